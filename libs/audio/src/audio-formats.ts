/**
 * Audio format names Voxgate accepts from clients (`input_audio.format`) and produces for them
 * (`audio.format`). These widen OpenAI's lists (`wav`/`mp3` in, six formats out); libs/openai-wire's request
 * schema is meant to be widened to exactly these.
 *
 * Input formats:
 * - `wav`: RIFF/WAVE with integer PCM (8/16/24/32-bit), IEEE float (32-bit), µ-law or A-law, any rate/channels.
 * - `mp3`: MPEG-1/2/2.5 Layer III, optionally behind an ID3v2 tag.
 * - `flac`: native FLAC stream (`fLaC`), 8–24 bit.
 * - `opus`: Ogg/Opus (RFC 7845), what `opusenc`, ffmpeg and Firefox's MediaRecorder write.
 * - `ogg`: any Ogg file; only an Opus stream inside is decodable (Vorbis/FLAC-in-Ogg: `unsupported_codec`).
 * - `webm`: WebM/Matroska with an Opus track, as Chromium and Firefox MediaRecorder write it.
 * - `pcm16`: headerless 24 kHz mono s16le (OpenAI's `pcm16`).
 * - `g711_ulaw` / `g711_alaw`: headerless 8 kHz mono G.711.
 */
export const GATEWAY_INPUT_AUDIO_FORMATS = [
  'wav',
  'mp3',
  'flac',
  'opus',
  'ogg',
  'webm',
  'pcm16',
  'g711_ulaw',
  'g711_alaw',
] as const;
export type InputAudioFormat = (typeof GATEWAY_INPUT_AUDIO_FORMATS)[number];

/** What a client may declare: a concrete input format, or `auto` to sniff it (see `resolveInputFormat`). */
export type DeclaredInputAudioFormat = InputAudioFormat | 'auto';

/**
 * Output formats. Every one of them can be produced incrementally from 24 kHz pcm16 chunks; the bytes of one
 * response concatenated are one valid file:
 * - `wav`: 44-byte RIFF header (sizes 0xFFFFFFFF: unknown length, as streamed WAV does) + s16le mono.
 * - `mp3`: LAME CBR frames (MPEG-2 Layer III at 24 kHz, 64 kbps mono).
 * - `flac`: native FLAC, 16-bit; STREAMINFO total_samples/MD5 are 0 (unknown) because they cannot be patched
 *   into bytes already sent.
 * - `opus`: Ogg/Opus (RFC 7845), 32 kbps VBR voice, 20 ms frames.
 * - `aac`: AAC-LC in ADTS frames (the only streamable AAC framing), 64 kbps mono at 24 kHz.
 * - `pcm16`: raw 24 kHz mono s16le.
 * - `g711_ulaw` / `g711_alaw`: raw 8 kHz mono G.711 (resampled inside).
 */
export const GATEWAY_OUTPUT_AUDIO_FORMATS = [
  'wav',
  'mp3',
  'flac',
  'opus',
  'aac',
  'pcm16',
  'g711_ulaw',
  'g711_alaw',
] as const;
export type OutputAudioFormat = (typeof GATEWAY_OUTPUT_AUDIO_FORMATS)[number];

/** Sample rate of OpenAI's `pcm16` (in and out) and of every gateway output pipeline's input. */
export const PCM16_SAMPLE_RATE = 24_000;

/** Sample rate of G.711 telephony audio. */
export const G711_SAMPLE_RATE = 8_000;

/** Whether `value` names an input format (or `auto`). */
export function isDeclaredInputAudioFormat(value: string): value is DeclaredInputAudioFormat {
  return value === 'auto' || (GATEWAY_INPUT_AUDIO_FORMATS as readonly string[]).includes(value);
}

/** Whether `value` names an output format. */
export function isOutputAudioFormat(value: string): value is OutputAudioFormat {
  return (GATEWAY_OUTPUT_AUDIO_FORMATS as readonly string[]).includes(value);
}
