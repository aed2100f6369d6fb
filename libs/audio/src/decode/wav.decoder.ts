import { AudioError } from '../audio-error';
import { assertWithinLimits, type AudioLimits } from '../audio-limits';
import type { PcmAudio } from '../pcm-audio';
import { parseWavHeader, WAVE_FORMAT, type WavHeader } from '../sniff/riff.parser';
import { SliceClock } from '../internal/yield-to-event-loop';
import { decodeG711 } from './g711.codec';

type SampleReader = (view: DataView, offset: number) => number;

function readerFor(header: WavHeader, g711: { ulaw: Int16Array; alaw: Int16Array }): SampleReader {
  const { formatTag: tag, bitsPerSample: bits } = header;
  if (tag === WAVE_FORMAT.pcm && bits === 8) return (view, offset) => (view.getUint8(offset) - 128) << 8;
  if (tag === WAVE_FORMAT.pcm && bits === 16) return (view, offset) => view.getInt16(offset, true);
  if (tag === WAVE_FORMAT.pcm && bits === 24) {
    return (view, offset) => (view.getInt8(offset + 2) << 8) | view.getUint8(offset + 1);
  }
  if (tag === WAVE_FORMAT.pcm && bits === 32) return (view, offset) => view.getInt32(offset, true) >> 16;
  if (tag === WAVE_FORMAT.float && bits === 32) {
    return (view, offset) => {
      const value = Math.round(view.getFloat32(offset, true) * 32767);
      return value > 32767 ? 32767 : value < -32768 ? -32768 : Number.isNaN(value) ? 0 : value;
    };
  }
  if (tag === WAVE_FORMAT.mulaw && bits === 8) return (view, offset) => g711.ulaw[view.getUint8(offset)] ?? 0;
  if (tag === WAVE_FORMAT.alaw && bits === 8) return (view, offset) => g711.alaw[view.getUint8(offset)] ?? 0;
  throw new AudioError('unsupported_codec', `WAV format tag ${tag} with ${bits} bits per sample is not supported`);
}

const FRAMES_PER_CHECK = 16_384;

/**
 * Decodes a RIFF/WAVE file to mono s16 at its own rate (channels averaged). The duration is checked against
 * `limits` from the header before any sample is read; the work is sliced so the event loop keeps turning.
 */
export async function decodeWav(bytes: Uint8Array, limits: AudioLimits): Promise<PcmAudio> {
  const header = parseWavHeader(bytes);
  const frames = header.dataBytes / header.blockAlign;
  assertWithinLimits(frames, header.sampleRate, limits, true);
  const g711 = { ulaw: decodeG711(IDENTITY_CODES, 'ulaw'), alaw: decodeG711(IDENTITY_CODES, 'alaw') };
  const read = readerFor(header, g711);
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, header.dataBytes);
  const samples = new Int16Array(frames);
  const { channels, blockAlign } = header;
  const bytesPerSample = blockAlign / channels;
  const clock = new SliceClock();
  for (let start = 0; start < frames; start += FRAMES_PER_CHECK) {
    const end = Math.min(frames, start + FRAMES_PER_CHECK);
    if (channels === 1) {
      for (let frame = start; frame < end; frame++) samples[frame] = read(view, frame * blockAlign);
    } else {
      for (let frame = start; frame < end; frame++) {
        let sum = 0;
        const base = frame * blockAlign;
        for (let channel = 0; channel < channels; channel++) sum += read(view, base + channel * bytesPerSample);
        samples[frame] = Math.round(sum / channels);
      }
    }
    await clock.maybeYield();
  }
  return { sampleRate: header.sampleRate, samples };
}

const IDENTITY_CODES = Uint8Array.from({ length: 256 }, (_, code) => code);
