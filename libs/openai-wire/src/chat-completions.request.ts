import { z } from 'zod';
import { AudioOutputOptionsSchema, SpeedSchema } from './audio';
import { ChatMessageSchema, TextPartSchema } from './chat-messages.request';
import { LegacyFunctionCallSchema, LegacyFunctionSchema, ToolChoiceSchema, ToolSchema } from './chat-tools.request';
import { MetadataSchema } from './common';

const ModerationModeSchema = z.strictObject({ mode: z.enum(['score', 'block']) });

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullish();

export const StreamOptionsSchema = z
  .strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })
  .nullish();

/**
 * `POST /v1/chat/completions` body, as a client sends it to Voxgate (OpenAPI `CreateChatCompletionRequest`).
 *
 * Strict: every key the spec defines is accepted, any other key is rejected with `unknown_parameter`, as
 * OpenAI does. Rules the spec does not encode (audio required with the audio modality, pcm16-only
 * streaming, ...) are checked by the conversation pipeline against the resolved model and provider.
 */
export const ChatCompletionRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1),
  modalities: z.array(z.enum(['text', 'audio'])).nullish(),
  /** Extension: playback speed 0.25–4 of the audio answer (or `audio.speed`); never sent upstream. */
  speed: SpeedSchema.optional(),
  audio: AudioOutputOptionsSchema.nullish(),
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  n: z.int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).min(1).max(4)]).nullish(),
  seed: z.int().nullish(),
  frequency_penalty: nullableNumber(-2, 2),
  presence_penalty: nullableNumber(-2, 2),
  logit_bias: z.record(z.string(), z.int().min(-100).max(100)).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text') }),
      z.strictObject({ type: z.literal('json_object') }),
      z.strictObject({
        type: z.literal('json_schema'),
        json_schema: z.strictObject({
          name: z.string(),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .optional(),
  prediction: z
    .strictObject({ type: z.literal('content'), content: z.union([z.string(), z.array(TextPartSchema).min(1)]) })
    .nullish(),
  stream: z.boolean().nullish(),
  stream_options: StreamOptionsSchema,
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  functions: z.array(LegacyFunctionSchema).min(1).max(128).optional(),
  function_call: LegacyFunctionCallSchema.optional(),
  metadata: MetadataSchema.nullish(),
  store: z.boolean().nullish(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority', 'fast']).nullish(),
  user: z.string().optional(),
  safety_identifier: z.string().max(64).nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.enum(['in_memory', '24h']).nullish(),
  prompt_cache_options: z
    .strictObject({ ttl: z.enum(['30m']).optional(), mode: z.enum(['implicit', 'explicit']).optional() })
    .optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  web_search_options: z.record(z.string(), z.unknown()).optional(),
  moderation: z
    .strictObject({
      model: z.string(),
      policy: z
        .strictObject({ input: ModerationModeSchema.nullish(), output: ModerationModeSchema.nullish() })
        .nullish(),
    })
    .nullish(),
});

export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;
