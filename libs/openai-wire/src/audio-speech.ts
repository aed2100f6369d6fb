import { z } from 'zod';
import { SpeedSchema, VoiceSchema } from './audio';

/** `response_format`s OpenAI's `POST /v1/audio/speech` produces (spec `CreateSpeechRequest`). */
export const OPENAI_SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type OpenAISpeechFormat = (typeof OPENAI_SPEECH_FORMATS)[number];

/** What Voxgate delivers: OpenAI's formats plus 8 kHz G.711 for telephony (converted by the gateway). */
export const SPEECH_FORMATS = [...OPENAI_SPEECH_FORMATS, 'g711_ulaw', 'g711_alaw'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** Longest `input` and `instructions` OpenAI takes, in characters. */
export const SPEECH_MAX_INPUT_CHARS = 4096;

/**
 * `POST /v1/audio/speech`, strict (spec `CreateSpeechRequest`, `additionalProperties: false`). `input`
 * must hold at least one non-blank character: OpenAI would bill an empty synthesis for nothing.
 */
export const CreateSpeechRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: z
    .string()
    .max(SPEECH_MAX_INPUT_CHARS)
    .refine((text) => text.trim().length > 0, { message: 'must not be empty' }),
  voice: VoiceSchema,
  instructions: z.string().max(SPEECH_MAX_INPUT_CHARS).optional(),
  /** Default `mp3`. `pcm` is headerless 24 kHz mono s16le. */
  response_format: z.enum(SPEECH_FORMATS).optional(),
  /** 0.25–4, default 1. */
  speed: SpeedSchema.optional(),
  /** `audio` (default): the file's bytes, chunked as produced; `sse`: `speech.audio.delta` events. */
  stream_format: z.enum(['audio', 'sse']).optional(),
});
export type CreateSpeechRequest = z.infer<typeof CreateSpeechRequestSchema>;

/** `SpeechAudioDoneEvent.usage`, parsed leniently from providers. */
export const SpeechUsageSchema = z.object({
  input_tokens: z.int().min(0),
  output_tokens: z.int().min(0),
  total_tokens: z.int().min(0),
});
export type SpeechUsage = z.infer<typeof SpeechUsageSchema>;

/** One upstream `speech.audio.*` event, lenient: only what the relay reads. */
export const SpeechStreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('speech.audio.delta'), audio: z.string() }),
  z.object({ type: z.literal('speech.audio.done'), usage: SpeechUsageSchema.optional() }),
]);
export type SpeechStreamEvent = z.infer<typeof SpeechStreamEventSchema>;
