import { corrupt } from '../audio-error';
import { ascii } from '../internal/bytes';
import { id3v2Length } from './mp3-frame.parser';

/** The FLAC STREAMINFO block (RFC 9639 §8.2). */
export interface FlacStreamInfo {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Total samples per channel; 0 when unknown (streamed encoders). */
  readonly totalSamples: number;
}

/** Offset of the `fLaC` marker (after optional ID3v2 tags), or `undefined`. */
export function findFlacMarker(bytes: Uint8Array): number | undefined {
  let offset = 0;
  for (let tag = id3v2Length(bytes, offset); tag > 0; tag = id3v2Length(bytes, offset)) offset += tag;
  return ascii(bytes, offset, 4) === 'fLaC' ? offset : undefined;
}

/** Parses STREAMINFO, which must be the first metadata block; throws `corrupt_audio` otherwise. */
export function parseFlacStreamInfo(bytes: Uint8Array): FlacStreamInfo {
  const marker = findFlacMarker(bytes);
  if (marker === undefined) throw corrupt('not a FLAC stream');
  const block = marker + 4;
  if (block + 4 + 34 > bytes.length) throw corrupt('FLAC STREAMINFO is truncated');
  const type = (bytes[block] ?? 0) & 0x7f;
  const length = ((bytes[block + 1] ?? 0) << 16) | ((bytes[block + 2] ?? 0) << 8) | (bytes[block + 3] ?? 0);
  if (type !== 0 || length !== 34) throw corrupt('FLAC stream does not start with STREAMINFO');
  const s = block + 4;
  const at = (i: number): number => bytes[s + i] ?? 0;
  const sampleRate = (at(10) << 12) | (at(11) << 4) | (at(12) >> 4);
  const channels = ((at(12) >> 1) & 0x07) + 1;
  const bitsPerSample = (((at(12) & 0x01) << 4) | (at(13) >> 4)) + 1;
  const totalSamples = (at(13) & 0x0f) * 2 ** 32 + ((at(14) << 24) >>> 0) + ((at(15) << 16) | (at(16) << 8) | at(17));
  if (sampleRate < 1 || sampleRate > 655_350) throw corrupt(`FLAC STREAMINFO declares ${sampleRate} Hz`);
  if (bitsPerSample < 4) throw corrupt(`FLAC STREAMINFO declares ${bitsPerSample} bits per sample`);
  return { sampleRate, channels, bitsPerSample, totalSamples };
}
