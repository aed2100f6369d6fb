import { ascii } from '../internal/bytes';

/** An MPEG audio Layer III frame header (ISO 11172-3 / 13818-3, plus MPEG 2.5). */
export interface Mp3FrameHeader {
  /** 1, 2 or 2.5. */
  readonly version: 1 | 2 | 2.5;
  readonly bitrateKbps: number;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** 1152 (MPEG-1) or 576 (MPEG-2/2.5) samples per frame. */
  readonly samplesPerFrame: number;
  /** Frame length in bytes, header included. */
  readonly frameLength: number;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES_V1 = [44100, 48000, 32000];

/**
 * Parses a Layer III frame header at `offset`, or returns `undefined` when the four bytes there are not one
 * (bad sync, reserved version, other layers, free-format or invalid bitrate, reserved sample rate).
 */
export function parseMp3FrameHeader(bytes: Uint8Array, offset: number): Mp3FrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 0x03;
  if (versionBits === 1) return undefined;
  if (((b1 >> 1) & 0x03) !== 1) return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex] ?? 0;
  const divisor = version === 1 ? 1 : version === 2 ? 2 : 4;
  const sampleRate = (RATES_V1[rateIndex] ?? 0) / divisor;
  const padding = (b2 >> 1) & 0x01;
  const samplesPerFrame = version === 1 ? 1152 : 576;
  const frameLength = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  return { version, bitrateKbps, sampleRate, channels: b3 >> 6 === 3 ? 1 : 2, samplesPerFrame, frameLength };
}

/** Length of an ID3v2 tag at `offset` (header, body and footer), or 0 when there is none. */
export function id3v2Length(bytes: Uint8Array, offset = 0): number {
  if (ascii(bytes, offset, 3) !== 'ID3' || offset + 10 > bytes.length) return 0;
  let size = 0;
  for (let i = 6; i < 10; i++) {
    const byte = bytes[offset + i] ?? 0x80;
    if (byte & 0x80) return 0;
    size = (size << 7) | byte;
  }
  const footer = ((bytes[offset + 5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * Offset of the first Layer III frame: after any ID3v2 tags and up to 4 KiB of zero padding, and confirmed by
 * a second frame header of the same version and rate right after it (when the buffer is long enough). Returns
 * `undefined` when the bytes do not start an MP3 stream.
 */
export function findFirstMp3Frame(bytes: Uint8Array): number | undefined {
  let offset = 0;
  for (let tag = id3v2Length(bytes, offset); tag > 0; tag = id3v2Length(bytes, offset)) offset += tag;
  const paddingEnd = Math.min(bytes.length, offset + 4096);
  while (offset < paddingEnd && bytes[offset] === 0) offset++;
  const first = parseMp3FrameHeader(bytes, offset);
  if (first === undefined) return undefined;
  const nextOffset = offset + first.frameLength;
  if (nextOffset + 4 <= bytes.length) {
    const second = parseMp3FrameHeader(bytes, nextOffset);
    if (second === undefined || second.version !== first.version || second.sampleRate !== first.sampleRate) {
      return undefined;
    }
  }
  return offset;
}
