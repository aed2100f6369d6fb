import { corrupt } from '../audio-error';
import { ascii, u16le, u32le } from '../internal/bytes';

/** WAVE format tags Voxgate understands (after resolving WAVE_FORMAT_EXTENSIBLE to its sub-format). */
export const WAVE_FORMAT = { pcm: 1, float: 3, alaw: 6, mulaw: 7, extensible: 0xfffe } as const;

/** What a RIFF/WAVE header says, validated. */
export interface WavHeader {
  /** Format tag, with WAVE_FORMAT_EXTENSIBLE resolved to the sub-format's tag. */
  readonly formatTag: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  /** Bytes per sample frame (all channels). */
  readonly blockAlign: number;
  /** Offset of the first sample byte. */
  readonly dataOffset: number;
  /** Sample bytes present (a whole number of frames). */
  readonly dataBytes: number;
  /** True when the header declared an unknown length (0 or 0xFFFFFFFF), as streamed WAV does. */
  readonly streamed: boolean;
}

const UNKNOWN_SIZE = 0xffffffff;
const MAX_CHANNELS = 32;
const MAX_SAMPLE_RATE = 768_000;

/** True when `bytes` start like a RIFF/WAVE file. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  return ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE';
}

/**
 * Walks the RIFF chunks (any order, any unknown chunks such as LIST/fact/JUNK skipped, odd sizes padded) to
 * the `fmt ` and `data` chunks. Throws `corrupt_audio` on a malformed or truncated header.
 */
export function parseWavHeader(bytes: Uint8Array): WavHeader {
  if (!looksLikeWav(bytes)) throw corrupt('not a RIFF/WAVE file');
  let format: Omit<WavHeader, 'dataOffset' | 'dataBytes' | 'streamed'> | undefined;
  let data: { offset: number; bytes: number; streamed: boolean } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length && (format === undefined || data === undefined)) {
    const id = ascii(bytes, offset, 4);
    const size = u32le(bytes, offset + 4) ?? 0;
    const body = offset + 8;
    if (id === 'fmt ') {
      format = parseFmtChunk(bytes, body, size);
    } else if (id === 'data') {
      const present = bytes.length - body;
      const streamed = size === UNKNOWN_SIZE || (size === 0 && present > 0);
      if (!streamed && size > present) {
        throw corrupt(`WAV data chunk declares ${size} bytes but only ${present} are present (truncated file)`);
      }
      data = { offset: body, bytes: streamed ? present : size, streamed };
      if (streamed) break;
    }
    if (size === UNKNOWN_SIZE) break;
    offset = body + size + (size % 2);
  }
  if (format === undefined) throw corrupt('WAV file has no fmt chunk before its end');
  if (data === undefined) throw corrupt('WAV file has no data chunk');
  const wholeFrames = Math.floor(data.bytes / format.blockAlign) * format.blockAlign;
  return { ...format, dataOffset: data.offset, dataBytes: wholeFrames, streamed: data.streamed };
}

function parseFmtChunk(
  bytes: Uint8Array,
  body: number,
  size: number,
): Omit<WavHeader, 'dataOffset' | 'dataBytes' | 'streamed'> {
  if (size < 16 || body + 16 > bytes.length) throw corrupt('WAV fmt chunk is too short');
  let formatTag = u16le(bytes, body) ?? 0;
  const channels = u16le(bytes, body + 2) ?? 0;
  const sampleRate = u32le(bytes, body + 4) ?? 0;
  const blockAlign = u16le(bytes, body + 12) ?? 0;
  const bitsPerSample = u16le(bytes, body + 14) ?? 0;
  if (formatTag === WAVE_FORMAT.extensible) {
    if (size < 40 || body + 40 > bytes.length) throw corrupt('WAV extensible fmt chunk is too short');
    formatTag = u16le(bytes, body + 24) ?? 0;
  }
  if (channels < 1 || channels > MAX_CHANNELS) throw corrupt(`WAV header declares ${channels} channels`);
  if (sampleRate < 1000 || sampleRate > MAX_SAMPLE_RATE) throw corrupt(`WAV header declares ${sampleRate} Hz`);
  if (bitsPerSample < 1 || bitsPerSample > 64) throw corrupt(`WAV header declares ${bitsPerSample} bits per sample`);
  const expectedAlign = channels * Math.ceil(bitsPerSample / 8);
  if (blockAlign !== expectedAlign) {
    throw corrupt(`WAV block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`);
  }
  return { formatTag, channels, sampleRate, bitsPerSample, blockAlign };
}
