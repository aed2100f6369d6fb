import { z } from 'zod';
import { InputAudioFormatSchema } from './audio';
import { PromptCacheBreakpointSchema } from './common';

const cacheBreakpoint = { prompt_cache_breakpoint: PromptCacheBreakpointSchema.optional() };

/** A field of OpenAI's (or the SDK's) response that a client may echo back: accepted, then dropped. */
function responseOnly<T extends z.ZodType>(schema: T) {
  return schema
    .optional()
    .transform(() => undefined)
    .optional();
}

export const TextPartSchema = z.strictObject({ type: z.literal('text'), text: z.string(), ...cacheBreakpoint });

export const ImagePartSchema = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
  ...cacheBreakpoint,
});

/** `input_audio` part: base64 audio (no `data:` URI prefix) and its declared format. */
export const InputAudioPartSchema = z.strictObject({
  type: z.literal('input_audio'),
  input_audio: z.strictObject({ data: z.string().min(1), format: InputAudioFormatSchema }),
  ...cacheBreakpoint,
});
export type InputAudioPart = z.infer<typeof InputAudioPartSchema>;

export const FilePartSchema = z.strictObject({
  type: z.literal('file'),
  file: z.strictObject({
    filename: z.string().optional(),
    file_data: z.string().optional(),
    file_id: z.string().optional(),
  }),
  ...cacheBreakpoint,
});

export const RefusalPartSchema = z.strictObject({ type: z.literal('refusal'), refusal: z.string() });

const UserPartSchema = z.discriminatedUnion('type', [
  TextPartSchema,
  ImagePartSchema,
  InputAudioPartSchema,
  FilePartSchema,
]);
export type UserContentPart = z.infer<typeof UserPartSchema>;

const textContent = z.union([z.string(), z.array(TextPartSchema).min(1)]);

export const FunctionToolCallSchema = z.strictObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string(),
    arguments: z.string(),
    /** Added by openai-node's parse and stream helpers (strict tools) to the calls they return; dropped. */
    parsed_arguments: responseOnly(z.unknown()),
  }),
});

export const CustomToolCallSchema = z.strictObject({
  id: z.string(),
  type: z.literal('custom'),
  custom: z.strictObject({ name: z.string(), input: z.string() }),
});

export const ToolCallSchema = z.discriminatedUnion('type', [FunctionToolCallSchema, CustomToolCallSchema]);
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const DeveloperMessageSchema = z.strictObject({
  role: z.literal('developer'),
  content: textContent,
  name: z.string().optional(),
});
export const SystemMessageSchema = z.strictObject({
  role: z.literal('system'),
  content: textContent,
  name: z.string().optional(),
});

export const UserMessageSchema = z.strictObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(UserPartSchema).min(1)]),
  name: z.string().optional(),
});
export type UserMessage = z.infer<typeof UserMessageSchema>;

/**
 * An earlier answer's audio, sent back as history: OpenAI's request schema allows only the reference
 * `{ id }`. The SDKs return it as `{ id, data, expires_at, transcript }` and the standard multi-turn pattern
 * sends that back unchanged, so the three response fields are accepted and dropped: only `{ id }` goes on.
 */
export const AssistantAudioSchema = z
  .strictObject({
    id: z.string().min(1),
    data: z.string().optional(),
    expires_at: z.number().optional(),
    transcript: z.string().optional(),
  })
  .transform(({ id }) => ({ id }));

/**
 * Assistant turn sent back as history. `content` may be omitted or null when `tool_calls`,
 * `function_call` or `audio` (a reference `{ id }` to audio the model produced earlier) carries the turn.
 *
 * The SDKs send a returned message back as history unchanged (`messages.push(completion.choices[0].message)`,
 * openai-node's `runTools`), so what they return is accepted too, and what the request schema lacks is
 * dropped, never forwarded: `annotations` (citations), the audio's response fields (`AssistantAudioSchema`),
 * and what openai-node's helpers add (`parsed` here, `parsed_arguments` in function calls). Any other
 * unknown key is still a 400.
 */
export const AssistantMessageSchema = z.strictObject({
  role: z.literal('assistant'),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion('type', [TextPartSchema, RefusalPartSchema])).min(1)])
    .nullish(),
  refusal: z.string().nullish(),
  name: z.string().optional(),
  audio: AssistantAudioSchema.nullish(),
  tool_calls: z.array(ToolCallSchema).optional(),
  function_call: z.strictObject({ name: z.string(), arguments: z.string() }).nullish(),
  annotations: responseOnly(z.array(z.unknown()).nullable()),
  parsed: responseOnly(z.unknown()),
});

export const ToolMessageSchema = z.strictObject({
  role: z.literal('tool'),
  content: textContent,
  tool_call_id: z.string(),
});

/** Deprecated `function` role, kept because the legacy `functions` parameter is still accepted. */
export const FunctionMessageSchema = z.strictObject({
  role: z.literal('function'),
  content: z.string().nullable(),
  name: z.string(),
});

export const ChatMessageSchema = z.discriminatedUnion('role', [
  DeveloperMessageSchema,
  SystemMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
  ToolMessageSchema,
  FunctionMessageSchema,
]);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
