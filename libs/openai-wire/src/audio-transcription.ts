import { z } from 'zod';

/** `response_format`s of `POST /v1/audio/transcriptions` and `/translations` (spec `AudioResponseFormat`). */
export const TRANSCRIPT_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** Which route: `transcribe` keeps the spoken language, `translate` answers in English. */
export type TranscriptTask = 'transcribe' | 'translate';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const temperature = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number')
  .transform(Number)
  .pipe(z.number().min(0).max(1));

/**
 * The text fields of a `POST /v1/audio/transcriptions` form, as openai-node sends them (spec
 * `CreateTranscriptionRequest`): every value a string, arrays as repeated `name[]` parts gathered into
 * arrays, booleans as `"true"`. Strict: an unknown field is a 400 naming it. The `file` part is read apart.
 */
export const TranscriptionFieldsSchema = z.strictObject({
  model: z.string().min(1),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'must be an ISO-639-1 code such as "en"')
    .optional(),
  prompt: z.string().max(8192).optional(),
  response_format: z.enum(TRANSCRIPT_FORMATS).optional(),
  temperature: temperature.optional(),
  'timestamp_granularities[]': z
    .array(z.enum(['word', 'segment']))
    .max(2)
    .optional(),
  'include[]': z
    .array(z.enum(['logprobs']))
    .max(1)
    .optional(),
  stream: flag.optional(),
  chunking_strategy: z.literal('auto').optional(),
});
export type TranscriptionFields = z.infer<typeof TranscriptionFieldsSchema>;

/** The text fields of `POST /v1/audio/translations` (spec `CreateTranslationRequest`). */
export const TranslationFieldsSchema = z.strictObject({
  model: z.string().min(1),
  prompt: z.string().max(8192).optional(),
  response_format: z.enum(TRANSCRIPT_FORMATS).optional(),
  temperature: temperature.optional(),
});
export type TranslationFields = z.infer<typeof TranslationFieldsSchema>;

/** `TranscriptTextUsageTokens` / `…Duration`, lenient. */
export const TranscriptUsageSchema = z.union([
  z.object({
    type: z.literal('tokens'),
    input_tokens: z.int().min(0),
    output_tokens: z.int().min(0),
    total_tokens: z.int().min(0),
    input_token_details: z
      .object({ text_tokens: z.int().min(0).optional(), audio_tokens: z.int().min(0).optional() })
      .optional(),
  }),
  z.object({ type: z.literal('duration'), seconds: z.number().min(0) }),
]);
export type TranscriptUsage = z.infer<typeof TranscriptUsageSchema>;

/**
 * A provider's JSON transcript (`json` or `verbose_json`), lenient: `text` and `usage` are read (metering),
 * every other key is kept as sent, since the answer is relayed as is.
 */
export const TranscriptBodySchema = z.looseObject({
  text: z.string(),
  usage: TranscriptUsageSchema.optional().catch(undefined),
});
export type TranscriptBody = z.infer<typeof TranscriptBodySchema>;

/** One upstream `transcript.text.*` event, lenient (unknown keys kept: they are relayed). */
export const TranscriptStreamEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('transcript.text.delta'), delta: z.string() }),
  z.looseObject({ type: z.literal('transcript.text.segment') }),
  z.looseObject({
    type: z.literal('transcript.text.done'),
    text: z.string(),
    usage: TranscriptUsageSchema.optional().catch(undefined),
  }),
]);
export type TranscriptStreamEvent = z.infer<typeof TranscriptStreamEventSchema>;
