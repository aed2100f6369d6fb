import { AudioError } from '../audio-error';
import type { DeclaredInputAudioFormat } from '../audio-formats';
import { assertWithinLimits, checkLimits, DEFAULT_AUDIO_LIMITS, type AudioLimits } from '../audio-limits';
import { int16FromBytes } from '../internal/pcm-convert';
import { SliceClock } from '../internal/yield-to-event-loop';
import type { PcmAudio } from '../pcm-audio';
import { resolveInputFormat, type ResolvedInput } from '../sniff/resolve-input-format';
import { decodeFlac } from './flac.decoder';
import { decodeG711 } from './g711.codec';
import { decodeMp3 } from './mp3.decoder';
import { demuxOggOpus } from './ogg-opus.demuxer';
import { decodeOpusStream } from './opus.decoder';
import { decodeWav } from './wav.decoder';
import { demuxWebmOpus } from './webm-opus.demuxer';

/**
 * Decodes client audio to mono 16-bit PCM.
 *
 * - `format` is checked against the bytes first (`resolveInputFormat`; `auto` sniffs).
 * - The result keeps the source's sample rate, except Opus (Ogg or WebM), which is decoded at 24 kHz.
 * - Multichannel audio is averaged to mono.
 * - `limits` are enforced before decoding wherever the container states the length (WAV, headerless, FLAC
 *   STREAMINFO, Opus packet TOCs, MP3 frame headers) and again while decoding.
 * - Long inputs are decoded in slices with `setImmediate` between them, so the event loop is never held for
 *   more than a few milliseconds.
 *
 * Throws `AudioError` for every problem with the audio itself (see `AudioErrorCode`); any other error is a bug.
 */
export async function decodeAudio(
  bytes: Uint8Array,
  format: DeclaredInputAudioFormat,
  limits: AudioLimits = DEFAULT_AUDIO_LIMITS,
): Promise<PcmAudio> {
  checkLimits(limits);
  const input = resolveInputFormat(format, bytes);
  const audio = await decodeResolved(bytes, input, limits);
  if (audio.samples.length === 0) throw new AudioError('empty_audio', 'the audio holds no samples');
  return audio;
}

/** Decodes bytes already checked by `resolveInputFormat`. */
export async function decodeResolved(bytes: Uint8Array, input: ResolvedInput, limits: AudioLimits): Promise<PcmAudio> {
  switch (input.format) {
    case 'pcm16':
    case 'g711_ulaw':
    case 'g711_alaw':
      return decodeHeaderless(bytes, input, limits);
    case 'wav':
      return decodeWav(bytes, limits);
    case 'mp3':
      return decodeMp3(bytes, limits);
    case 'flac':
      return decodeFlac(bytes, limits);
    case 'opus':
    case 'ogg':
      return decodeOpusStream(demuxOggOpus(bytes), limits);
    case 'webm':
      return decodeOpusStream(demuxWebmOpus(bytes), limits);
  }
}

const HEADERLESS_SLICE = 1 << 18;

/** pcm16 / G.711: length-checked, converted in slices (a 10-minute upload is ~30 MB of work). */
async function decodeHeaderless(bytes: Uint8Array, input: ResolvedInput, limits: AudioLimits): Promise<PcmAudio> {
  const sampleRate = input.sampleRate ?? 24_000;
  const bytesPerSample = input.format === 'pcm16' ? 2 : 1;
  const count = Math.floor(bytes.length / bytesPerSample);
  assertWithinLimits(count, sampleRate, limits, true);
  const samples = new Int16Array(count);
  const clock = new SliceClock();
  for (let start = 0; start < count; start += HEADERLESS_SLICE) {
    const end = Math.min(count, start + HEADERLESS_SLICE);
    const slice = bytes.subarray(start * bytesPerSample, end * bytesPerSample);
    samples.set(
      input.format === 'pcm16'
        ? int16FromBytes(slice)
        : decodeG711(slice, input.format === 'g711_ulaw' ? 'ulaw' : 'alaw'),
      start,
    );
    await clock.maybeYield();
  }
  return { sampleRate, samples };
}
