import { z } from 'zod';
import { FinishReasonSchema } from './chat-completions.response';
import { absentIfNull } from './upstream-lenient';
import { UsageSchema } from './usage';

/**
 * `delta.audio`, absent from the OpenAPI spec (openai/openai-openapi#577) but typed by openai-node 7.x:
 * fragments of `transcript` and base64 `data` are concatenated by clients; `id` and `expires_at` are set.
 * The final audio delta of a response carries only `expires_at`.
 */
export const DeltaAudioSchema = z.object({
  id: absentIfNull(z.string()),
  data: absentIfNull(z.string()),
  expires_at: absentIfNull(z.int()),
  transcript: absentIfNull(z.string()),
});
export type DeltaAudio = z.infer<typeof DeltaAudioSchema>;

const ToolCallDeltaSchema = z.object({
  index: z.int().min(0),
  id: absentIfNull(z.string()),
  type: absentIfNull(z.literal('function')),
  function: absentIfNull(z.object({ name: absentIfNull(z.string()), arguments: absentIfNull(z.string()) })),
});

export const ChunkDeltaSchema = z.object({
  role: absentIfNull(z.enum(['developer', 'system', 'user', 'assistant', 'tool'])),
  content: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: absentIfNull(z.array(ToolCallDeltaSchema)),
  function_call: absentIfNull(z.object({ name: absentIfNull(z.string()), arguments: absentIfNull(z.string()) })),
  audio: absentIfNull(DeltaAudioSchema),
});
export type ChunkDelta = z.infer<typeof ChunkDeltaSchema>;

export const ChunkChoiceSchema = z.object({
  index: z.int().min(0),
  delta: ChunkDeltaSchema.default({}),
  finish_reason: FinishReasonSchema.nullable().default(null),
  logprobs: z.unknown().optional(),
});
export type ChunkChoice = z.infer<typeof ChunkChoiceSchema>;

/**
 * `CreateChatCompletionStreamResponse`, one SSE `data:` event, read leniently from providers. The usage
 * chunk (sent last when `stream_options.include_usage` is set) has `choices: []` and a `usage` object.
 */
export const ChatCompletionChunkSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.int(),
  model: z.string(),
  choices: z.array(ChunkChoiceSchema),
  usage: UsageSchema.nullish(),
  obfuscation: absentIfNull(z.string()),
  service_tier: z.string().nullish(),
  system_fingerprint: absentIfNull(z.string()),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;
