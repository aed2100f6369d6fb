import type { DeclaredInputAudioFormat } from '../audio-formats';
import { DEFAULT_AUDIO_LIMITS, type AudioLimits } from '../audio-limits';
import { decodeAudio } from '../decode/decode-audio';
import { wavHeader } from '../encode/wav.format';
import { bytesFromInt16 } from '../internal/pcm-convert';
import type { PcmAudio } from '../pcm-audio';

/** A complete mono 16-bit WAV file (exact header sizes) holding `audio` at its own rate. */
export function encodeWav(audio: PcmAudio): Uint8Array {
  const body = bytesFromInt16(audio.samples);
  const file = new Uint8Array(44 + body.length);
  file.set(wavHeader(audio.sampleRate, body.length), 0);
  file.set(body, 44);
  return file;
}

/**
 * Decodes client audio of any accepted format and re-wraps it as mono 16-bit WAV, for providers that accept
 * only WAV/MP3. The WAV keeps the decoded rate (the source's own; 24 kHz for Opus): no resampling, so nothing
 * is lost and no time is spent, and every provider that takes WAV takes any common rate. Throws `AudioError`
 * exactly as `decodeAudio` does.
 */
export async function transcodeToWav(
  bytes: Uint8Array,
  format: DeclaredInputAudioFormat,
  limits: AudioLimits = DEFAULT_AUDIO_LIMITS,
): Promise<Uint8Array> {
  return encodeWav(await decodeAudio(bytes, format, limits));
}
