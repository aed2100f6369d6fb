import { z } from 'zod';
import { InputTranscriptionSchema } from './input-transcription';

/**
 * The Realtime client events the bridge understands (GA names, spec `RealtimeClientEvent*`), as strict zod
 * schemas: a field the spec does not have, or a value out of range, is refused with an `error` event that
 * names it. Fields the spec has but the bridge does not act on are accepted only where ignoring them is
 * harmless (`tracing`, `include`, `truncation`, `prompt`, `metadata`); see docs/realtime.md.
 */

const eventId = z.string().max(512).optional();

/** Spec `RealtimeAudioFormats`: PCM 24 kHz, G.711 µ-law, G.711 A-law. */
export const AudioFormatSchema = z.union([
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.literal(24000).optional() }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]);
export type AudioFormatInput = z.infer<typeof AudioFormatSchema>;

/** Spec `RealtimeTurnDetection`, server VAD only; every field optional in an update (merged into the current). */
export const ServerVadUpdateSchema = z.strictObject({
  type: z.literal('server_vad'),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.int().min(0).max(10_000).optional(),
  silence_duration_ms: z.int().min(0).max(10_000).optional(),
  idle_timeout_ms: z.int().min(5000).max(30_000).nullable().optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});
export type ServerVadUpdate = z.infer<typeof ServerVadUpdateSchema>;

/** Spec `RealtimeTurnDetection`, semantic VAD (mapped onto the VAD by `eagerness`; see semantic-vad.ts). */
export const SemanticVadUpdateSchema = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});
export type SemanticVadUpdate = z.infer<typeof SemanticVadUpdateSchema>;

export const VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;

export const FunctionToolSchema = z.strictObject({
  type: z.literal('function'),
  name: z.string().min(1).max(64),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type FunctionTool = z.infer<typeof FunctionToolSchema>;

export const ToolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string().min(1) }),
]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

const MaxOutputTokensSchema = z.union([z.int().min(1).max(4096), z.literal('inf')]);
const OutputModalitiesSchema = z.union([z.tuple([z.literal('audio')]), z.tuple([z.literal('text')])]);

/** `session` of `session.update` (spec `RealtimeSessionCreateRequestGA`): only the fields present change. */
export const SessionUpdateSchema = z.strictObject({
  type: z.literal('realtime'),
  model: z.string().min(1).optional(),
  output_modalities: OutputModalitiesSchema.optional(),
  instructions: z.string().optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: AudioFormatSchema.optional(),
          transcription: InputTranscriptionSchema.nullable().optional(),
          noise_reduction: z.null().optional(),
          turn_detection: z
            .discriminatedUnion('type', [ServerVadUpdateSchema, SemanticVadUpdateSchema])
            .nullable()
            .optional(),
        })
        .optional(),
      output: z
        .strictObject({
          format: AudioFormatSchema.optional(),
          voice: z.enum(VOICES).optional(),
          speed: z.number().min(0.25).max(1.5).optional(),
        })
        .optional(),
    })
    .optional(),
  tools: z.array(FunctionToolSchema).max(128).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  max_output_tokens: MaxOutputTokensSchema.optional(),
  tracing: z.unknown().optional(),
  include: z.unknown().optional(),
  truncation: z.unknown().optional(),
  prompt: z.unknown().optional(),
});
export type SessionUpdate = z.infer<typeof SessionUpdateSchema>;

const InputTextPart = z.strictObject({ type: z.literal('input_text'), text: z.string() });
const InputAudioPart = z.strictObject({
  type: z.literal('input_audio'),
  audio: z.string(),
  transcript: z.string().nullable().optional(),
});
const OutputTextPart = z.strictObject({ type: z.literal('output_text'), text: z.string() });

/** Items a client may create (spec `RealtimeConversationItem`): messages and function call outputs. */
export const ItemCreateSchema = z.discriminatedUnion('type', [
  z.strictObject({
    id: z.string().min(1).max(64).optional(),
    object: z.literal('realtime.item').optional(),
    type: z.literal('message'),
    status: z.enum(['completed', 'incomplete', 'in_progress']).optional(),
    role: z.enum(['user', 'system', 'assistant']),
    content: z.array(z.union([InputTextPart, InputAudioPart, OutputTextPart])).min(1),
  }),
  z.strictObject({
    id: z.string().min(1).max(64).optional(),
    object: z.literal('realtime.item').optional(),
    type: z.literal('function_call_output'),
    status: z.enum(['completed', 'incomplete', 'in_progress']).optional(),
    call_id: z.string().min(1),
    output: z.string(),
  }),
]);
export type ItemCreate = z.infer<typeof ItemCreateSchema>;

/** `response` of `response.create` (spec `RealtimeResponseCreateParams`), the parts the bridge applies. */
export const ResponseCreateParamsSchema = z.strictObject({
  instructions: z.string().optional(),
  output_modalities: OutputModalitiesSchema.optional(),
  max_output_tokens: MaxOutputTokensSchema.optional(),
  audio: z
    .strictObject({
      output: z.strictObject({ format: AudioFormatSchema.optional(), voice: z.enum(VOICES).optional() }).optional(),
    })
    .optional(),
  conversation: z.literal('auto').optional(),
  tools: z.array(FunctionToolSchema).max(128).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});
export type ResponseCreateParams = z.infer<typeof ResponseCreateParamsSchema>;

export const ClientEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('session.update'), event_id: eventId, session: SessionUpdateSchema }),
  z.strictObject({ type: z.literal('input_audio_buffer.append'), event_id: eventId, audio: z.string() }),
  z.strictObject({ type: z.literal('input_audio_buffer.commit'), event_id: eventId }),
  z.strictObject({ type: z.literal('input_audio_buffer.clear'), event_id: eventId }),
  z.strictObject({
    type: z.literal('conversation.item.create'),
    event_id: eventId,
    previous_item_id: z.string().nullable().optional(),
    item: ItemCreateSchema,
  }),
  z.strictObject({ type: z.literal('conversation.item.delete'), event_id: eventId, item_id: z.string() }),
  z.strictObject({ type: z.literal('conversation.item.retrieve'), event_id: eventId, item_id: z.string() }),
  z.strictObject({
    type: z.literal('conversation.item.truncate'),
    event_id: eventId,
    item_id: z.string(),
    content_index: z.int().min(0),
    audio_end_ms: z.int().min(0),
  }),
  z.strictObject({
    type: z.literal('response.create'),
    event_id: eventId,
    response: ResponseCreateParamsSchema.optional(),
  }),
  z.strictObject({ type: z.literal('response.cancel'), event_id: eventId, response_id: z.string().optional() }),
  z.strictObject({ type: z.literal('output_audio_buffer.clear'), event_id: eventId }),
]);
export type ClientEvent = z.infer<typeof ClientEventSchema>;
export type ClientEventType = ClientEvent['type'];
