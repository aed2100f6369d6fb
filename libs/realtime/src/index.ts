// @voxgate/realtime: OpenAI's Realtime protocol over chat-completions models. Transport-free: the gateway
// owns the socket, this lib owns the events, the session state, VAD and the bridge's core loop.
export * from './client-events';
export * from './server-events';
export { parseClientEvent, type ParsedClientEvent } from './parse-client-event';
export { applySessionUpdate, defaultSession, DEFAULT_SERVER_VAD, DEFAULT_INSTRUCTIONS } from './session-config';
export { InputAudioBuffer, AppendError, sampleRateOf } from './input-audio-buffer';
export { ServerVadDetector, type VadEvent } from './server-vad';
export type { TurnDetector, TurnDetectorFactory, TurnDetectorSettings } from './turn-detector';
export { ModelVadDetector, type SpeechModelSource, type SpeechWindowModel } from './model-vad-detector';
export { DEFAULT_SEMANTIC_VAD, SEMANTIC_SILENCE_MS, detectorSettingsOf } from './semantic-vad';
export {
  type RateLimit,
  type ToolRunSummary,
  TOOL_RUNS_COUNT_KEY,
  TOOL_RUNS_KEY,
  toolRunsOf,
  withToolRuns,
} from './turn-report';
export { Conversation, ConversationError, EARLIER_VOICE_MESSAGE, type ItemAudio, wavBytes } from './conversation';
export { ResponseRun, mapUsage } from './response-run';
export { RealtimeSession, type RealtimeSessionOptions } from './realtime-session';
export type { TurnAudioFormat, TurnMessage, TurnRequest, TurnRunner } from './turn-runner';
export { type IdGenerator, type IdPrefix, randomId } from './ids';
export {
  type InputTranscriber,
  type InputTranscription,
  type InputTranscriptionEvent,
  type InputTranscriptionRequest,
  type InputTranscriptionUsage,
  InputTranscriptionSchema,
} from './input-transcription';
