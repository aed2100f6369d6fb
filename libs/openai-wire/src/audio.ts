import { z } from 'zod';

/**
 * Formats OpenAI accepts in `input_audio.format` (OpenAPI `ChatCompletionRequestMessageContentPartAudio`).
 * The audio engine widens what Voxgate accepts from clients; providers still declare what *they* accept.
 */
export const INPUT_AUDIO_FORMATS = ['wav', 'mp3'] as const;
export const InputAudioFormatSchema = z.enum(INPUT_AUDIO_FORMATS);
export type InputAudioFormat = z.infer<typeof InputAudioFormatSchema>;

/** Formats of `audio.format` in a request (OpenAPI `CreateChatCompletionRequest.audio.format`). */
export const OUTPUT_AUDIO_FORMATS = ['wav', 'aac', 'mp3', 'flac', 'opus', 'pcm16'] as const;
export const OutputAudioFormatSchema = z.enum(OUTPUT_AUDIO_FORMATS);
export type OutputAudioFormat = z.infer<typeof OutputAudioFormatSchema>;

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
});
export type AudioOutputOptions = z.infer<typeof AudioOutputOptionsSchema>;
