import { z } from 'zod';
import { absentIfNull } from './upstream-lenient';
import { UsageSchema } from './usage';

/** Finish reasons of the spec; an unknown reason from a provider is kept as a string rather than failing. */
export const FinishReasonSchema = z.union([
  z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']),
  z.string(),
]);

const ResponseToolCallSchema = z.union([
  z.object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }),
  }),
  z.object({ id: z.string(), type: z.literal('custom'), custom: z.object({ name: z.string(), input: z.string() }) }),
]);

/** `message.audio` of an audio answer: all four fields are required by the spec. */
export const ResponseAudioSchema = z.object({
  id: z.string(),
  expires_at: z.int(),
  data: z.string(),
  transcript: z.string(),
});
export type ResponseAudio = z.infer<typeof ResponseAudioSchema>;

export const ResponseMessageSchema = z.object({
  role: z.literal('assistant').default('assistant'),
  content: z.string().nullable().default(null),
  refusal: z.string().nullable().default(null),
  tool_calls: absentIfNull(z.array(ResponseToolCallSchema)),
  annotations: absentIfNull(z.array(z.looseObject({ type: z.string() }))),
  function_call: absentIfNull(z.object({ name: z.string(), arguments: z.string() })),
  audio: ResponseAudioSchema.nullish(),
});

/**
 * `CreateChatCompletionResponse` as read from a provider. Unknown keys are stripped (no `internal_*`
 * leaks); `model` is overwritten by the gateway with the dated snapshot the client is told about.
 */
export const ChatCompletionResponseSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.int(),
      message: ResponseMessageSchema,
      finish_reason: FinishReasonSchema,
      // `.default` rather than a transform: same values, and the output stays describable in JSON Schema.
      logprobs: z.unknown().default(null),
    }),
  ),
  usage: absentIfNull(UsageSchema),
  service_tier: z.string().nullish(),
  system_fingerprint: absentIfNull(z.string()),
  metadata: absentIfNull(z.record(z.string(), z.string())),
});
export type ChatCompletionResponse = z.infer<typeof ChatCompletionResponseSchema>;
