import { z } from 'zod';

/** Formats OpenAI accepts in `input_audio.format` (OpenAPI `ChatCompletionRequestMessageContentPartAudio`). */
export const OPENAI_INPUT_AUDIO_FORMATS = ['wav', 'mp3'] as const;

/**
 * Formats Voxgate accepts from clients: OpenAI's plus what browsers, phones and telephony produce, and
 * `auto` (sniffed from the bytes). The audio engine converts what a provider does not take. Must equal
 * `GATEWAY_INPUT_AUDIO_FORMATS` of libs/audio plus `auto` (checked by a spec in libs/conversation).
 */
export const INPUT_AUDIO_FORMATS = [
  'wav',
  'mp3',
  'flac',
  'opus',
  'ogg',
  'webm',
  'pcm16',
  'g711_ulaw',
  'g711_alaw',
  'auto',
] as const;
export const InputAudioFormatSchema = z.enum(INPUT_AUDIO_FORMATS);
export type InputAudioFormat = z.infer<typeof InputAudioFormatSchema>;

/** Formats of `audio.format` OpenAI produces (OpenAPI `CreateChatCompletionRequest.audio.format`). */
export const OPENAI_OUTPUT_AUDIO_FORMATS = ['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'] as const;

/** Formats Voxgate delivers: OpenAI's plus 8 kHz G.711 for telephony. */
export const OUTPUT_AUDIO_FORMATS = [...OPENAI_OUTPUT_AUDIO_FORMATS, 'g711_ulaw', 'g711_alaw'] as const;
export const OutputAudioFormatSchema = z.enum(OUTPUT_AUDIO_FORMATS);
export type OutputAudioFormat = z.infer<typeof OutputAudioFormatSchema>;

/** Voxgate's `speed` extension: playback rate of the answer, pitch kept. */
export const SpeedSchema = z.number().min(0.25).max(4);

/**
 * `VoiceIdsOrCustomVoice`: any voice name (the spec's enum is advisory and drifts between snapshots, so
 * per-model allow-lists live in config) or a custom voice object `{ id }`.
 */
export const VoiceSchema = z.union([z.string().min(1), z.strictObject({ id: z.string().min(1) })]);
export type Voice = z.infer<typeof VoiceSchema>;

/** Request `audio`: output voice and format. Both keys are required when present. */
export const AudioOutputOptionsSchema = z.strictObject({
  voice: VoiceSchema,
  format: OutputAudioFormatSchema,
  /** Extension; the same as the top-level `speed`. */
  speed: SpeedSchema.optional(),
});
export type AudioOutputOptions = z.infer<typeof AudioOutputOptionsSchema>;
