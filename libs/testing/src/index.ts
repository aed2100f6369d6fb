// Test-only helpers. Production code must never import '@voxgate/testing'.
export {
  OpenApiValidator,
  type OpenApiValidatorOptions,
  type StreamChunkOptions,
  type ValidateOptions,
  type ValidationResult,
} from './openapi/openapi-validator';
export { OPENAPI_SPEC_ENV, resolveOpenApiSpecPath } from './openapi/openapi-spec.loader';
export {
  OPENAPI_SPEC_FIXTURE_PATH,
  readSpeechClip,
  SPEECH_CLIPS,
  SPEECH_CLIPS_DIR,
  type SpeechClip,
  speechClipPath,
  TESTING_FIXTURES_DIR,
} from './fixtures/fixture-paths';
export { STREAM_AUDIO_DELTA_SCHEMA } from './openapi/stream-audio-delta.schema';
export { UNDECLARED_KEY } from './openapi/openapi-undeclared-keys';

export {
  PCM16_BYTES_PER_SECOND,
  PCM16_SAMPLE_RATE,
  SPEECH_FIXTURE_PATH,
  SPEECH_TRANSCRIPT,
  speechPcm16,
  speechWav,
} from './audio/audio-fixtures';
export { parseWav, type WavInfo, wavFromPcm16 } from './audio/wav.format';
export { whiteNoise } from './audio/white-noise';
export { ffprobeAudio, hasFfprobe, type ProbedAudio } from './audio/ffprobe';

export { FakeUpstream, type FakeUpstreamOptions } from './fake-upstream/fake-upstream.server';
export type {
  CompletionReply,
  DelayReply,
  FakeToolCallSpec,
  JsonReply,
  RecordedRequest,
  ResetReply,
  ScriptedReply,
  StreamErrorReply,
  StreamReply,
  ToolCallsReply,
} from './fake-upstream/fake-upstream.script';
export type {
  AssistantAudio,
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChunk,
  CompletionUsage,
  FinishReason,
  OpenAiErrorBody,
  ToolCall,
} from './fake-upstream/fake-upstream.wire';
export {
  REALTIME_AUDIO_TOKENS_PER_SECOND,
  type RealtimeReply,
  type RecordedRealtimeSession,
} from './fake-upstream/fake-upstream.realtime';
export { DEFAULT_TEXT_ANSWER } from './fake-upstream/fake-upstream.answer';
export { AUDIO_CHUNK_BYTES } from './fake-upstream/fake-upstream.chunks';
export { AUDIO_TTL_SECONDS } from './fake-upstream/fake-upstream.responses';
export { openAiError } from './fake-upstream/fake-upstream.errors';
export { FAKE_SPEECH_SECONDS, SPEECH_CHUNK_BYTES } from './fake-upstream/fake-upstream.speech';
export { UNKNOWN_SPEECH } from './fake-upstream/fake-upstream.transcription';
export { collectSseEvents, readSseEvents, type SseEvent } from './sse/sse-events.reader';

export { createTestRedis, TEST_REDIS_URL, type TestRedis, useTestRedis } from './redis/test-redis';
export { asCluster, deleteFullKeys, openTestRedis, scanKeys, testRedisTarget } from './redis/test-redis-target';
export { keySlot } from './redis/key-slot';
export { type CrossSlotViolation, guardSlots, type SlotGuard } from './redis/slot-guard';
export { DedicatedRedis } from './redis/dedicated-redis';
export { DedicatedSentinel } from './redis/dedicated-sentinel';
export { DedicatedCluster } from './redis/dedicated-cluster';
export { DelayingProxy } from './redis/delaying-proxy';

export { type McpTestServer, startMcpTestServer } from './mcp/mcp-test-server';

export {
  type ExpositionFamily,
  type ExpositionSample,
  parseExposition,
  sampleValue,
  samplesOf,
} from './prometheus/exposition.parser';

export { encodeGguf, GGUF_MAGIC, type GgufTensor, type GgufValue } from './gguf/gguf.writer';
export {
  TINY_LLAMA_CHAT_TEMPLATE,
  tinyLlamaGguf,
  type TinyLlamaOptions,
  writeTinyLlamaGguf,
} from './gguf/tiny-llama.gguf';
export { seededRandom } from './seeded-random';
