import { CreateSpeechRequestSchema, TRANSCRIPT_FORMATS } from '@voxgate/openai-wire';
import { z } from 'zod';
import type { NamedSchema } from './documented';

const TokenUsage = z.object({
  type: z.literal('tokens'),
  input_tokens: z.int(),
  input_token_details: z.object({ text_tokens: z.int(), audio_tokens: z.int() }).optional(),
  output_tokens: z.int(),
  total_tokens: z.int(),
});
const DurationUsage = z.object({ type: z.literal('duration'), seconds: z.number() });

/** What the provider answered, relayed as is: `CreateTranscriptionResponseJson` of OpenAI's spec. */
const TranscriptionJsonSchema = z.object({
  text: z.string(),
  logprobs: z.array(z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number()) })).optional(),
  usage: z.union([TokenUsage, DurationUsage]).optional(),
});

/** `CreateTranscriptionResponseVerboseJson` (translations: the same without `words` and `usage`). */
const TranscriptionVerboseJsonSchema = z.object({
  language: z.string(),
  duration: z.number(),
  text: z.string(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
  segments: z
    .array(
      z.object({
        id: z.int(),
        seek: z.int(),
        start: z.number(),
        end: z.number(),
        text: z.string(),
        tokens: z.array(z.int()),
        temperature: z.number(),
        avg_logprob: z.number(),
        compression_ratio: z.number(),
        no_speech_prob: z.number(),
      }),
    )
    .optional(),
  usage: DurationUsage.optional(),
});

/** The multipart fields of `POST /v1/audio/transcriptions`, as openai-node sends them. */
export const TranscriptionFormSchema = z.object({
  file: z
    .string()
    .describe(
      'The audio: any format Voxgate decodes (wav, mp3, flac, Ogg/Opus, WebM/Opus; headerless pcm16 named `.pcm`, G.711 named `.ulaw`/`.alaw`). Converted to WAV for a provider that does not take it.',
    ),
  model: z.string(),
  language: z.string().optional().describe('ISO-639-1, e.g. `en`.'),
  prompt: z.string().optional(),
  response_format: z.enum(TRANSCRIPT_FORMATS).optional().describe('Default `json`.'),
  temperature: z.number().min(0).max(1).optional(),
  'timestamp_granularities[]': z
    .array(z.enum(['word', 'segment']))
    .optional()
    .describe('`verbose_json` only.'),
  'include[]': z.array(z.literal('logprobs')).optional(),
  stream: z.boolean().optional().describe('`transcript.text.delta` … `transcript.text.done` events.'),
  chunking_strategy: z.literal('auto').optional(),
});

/** The multipart fields of `POST /v1/audio/translations`. */
export const TranslationFormSchema = z.object({
  file: TranscriptionFormSchema.shape.file,
  model: z.string(),
  prompt: z.string().optional().describe('In English.'),
  response_format: z.enum(TRANSCRIPT_FORMATS).optional().describe('Default `json`.'),
  temperature: z.number().min(0).max(1).optional(),
});

export const AUDIO_REQUEST_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'CreateSpeechRequest',
    schema: CreateSpeechRequestSchema,
    description:
      "OpenAI's `CreateSpeechRequest`; `response_format` also takes `g711_ulaw` and `g711_alaw` (8 kHz telephony).",
  },
  { id: 'CreateTranscriptionForm', schema: TranscriptionFormSchema },
  { id: 'CreateTranslationForm', schema: TranslationFormSchema },
];

export const AUDIO_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  { id: 'CreateTranscriptionResponseJson', schema: TranscriptionJsonSchema },
  { id: 'CreateTranscriptionResponseVerboseJson', schema: TranscriptionVerboseJsonSchema },
];
