import { corrupt } from '../audio-error';
import { ascii, u32le } from '../internal/bytes';

/** One Ogg page (RFC 3533 §6), body not copied. */
export interface OggPage {
  /** Bit 0x01 continued packet, 0x02 beginning of stream, 0x04 end of stream. */
  readonly headerType: number;
  /** Granule position; -1 when the page finishes no packet. Exact up to 2^53. */
  readonly granule: number;
  readonly serial: number;
  readonly sequence: number;
  /** Segment lacing values. */
  readonly lacing: Uint8Array;
  readonly body: Uint8Array;
}

const CAPTURE = 'OggS';
const HEADER_BYTES = 27;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04C11DB7, no reflection, init 0) over `bytes`, continuing from `crc`. */
export function oggCrc(bytes: Uint8Array, crc = 0): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = ((c << 8) ^ (CRC_TABLE[((c >>> 24) ^ (bytes[i] ?? 0)) & 0xff] ?? 0)) >>> 0;
  return c >>> 0;
}

/** True when `bytes` start with an Ogg page capture pattern. */
export function looksLikeOgg(bytes: Uint8Array): boolean {
  return ascii(bytes, 0, 4) === CAPTURE;
}

/**
 * Reads the page at `offset`. With `verifyCrc`, a page whose checksum does not match is `corrupt_audio`.
 * Returns the page and the offset of the next one; throws `corrupt_audio` on truncation or a bad header.
 */
export function readOggPage(bytes: Uint8Array, offset: number, verifyCrc: boolean): { page: OggPage; next: number } {
  if (ascii(bytes, offset, 4) !== CAPTURE) throw corrupt(`Ogg page expected at byte ${offset}`);
  if (offset + HEADER_BYTES > bytes.length) throw corrupt('Ogg page header is truncated');
  if (bytes[offset + 4] !== 0) throw corrupt('unsupported Ogg stream structure version');
  const segments = bytes[offset + 26] ?? 0;
  const lacingEnd = offset + HEADER_BYTES + segments;
  if (lacingEnd > bytes.length) throw corrupt('Ogg page header is truncated');
  const lacing = bytes.subarray(offset + HEADER_BYTES, lacingEnd);
  let bodySize = 0;
  for (const value of lacing) bodySize += value;
  const end = lacingEnd + bodySize;
  if (end > bytes.length) throw corrupt('Ogg page is truncated');
  if (verifyCrc) {
    const stored = u32le(bytes, offset + 22) ?? 0;
    let crc = oggCrc(bytes.subarray(offset, offset + 22));
    crc = oggCrc(new Uint8Array(4), crc);
    crc = oggCrc(bytes.subarray(offset + 26, end), crc);
    if (crc !== stored) throw corrupt(`Ogg page at byte ${offset} fails its checksum`);
  }
  const low = u32le(bytes, offset + 6) ?? 0;
  const high = u32le(bytes, offset + 10) ?? 0;
  const granule = low === 0xffffffff && high === 0xffffffff ? -1 : high * 0x100000000 + low;
  return {
    page: {
      headerType: bytes[offset + 5] ?? 0,
      granule,
      serial: u32le(bytes, offset + 14) ?? 0,
      sequence: u32le(bytes, offset + 18) ?? 0,
      lacing,
      body: bytes.subarray(lacingEnd, end),
    },
    next: end,
  };
}

/**
 * Reassembles the packets of one logical stream from its pages (packets may span pages). Collects views when a
 * packet lies in one page and copies only when it spans several.
 */
export class OggPacketAssembler {
  private partial: Uint8Array[] = [];

  /** Packets completed by `page` (its continuation flag is checked against the assembler's state). */
  push(page: OggPage): Uint8Array[] {
    const packets: Uint8Array[] = [];
    const continued = (page.headerType & 0x01) !== 0;
    if (!continued && this.partial.length > 0) throw corrupt('Ogg packet is cut off by the next page');
    let start = 0;
    let length = 0;
    for (let i = 0; i < page.lacing.length; i++) {
      const value = page.lacing[i] ?? 0;
      length += value;
      if (value < 255) {
        const piece = page.body.subarray(start, start + length);
        packets.push(this.finish(piece));
        start += length;
        length = 0;
      }
    }
    if (length > 0 || (page.lacing.length > 0 && page.lacing[page.lacing.length - 1] === 255)) {
      this.partial.push(page.body.subarray(start, start + length));
    }
    return packets;
  }

  /** True when a packet is still waiting for its continuation. */
  get pending(): boolean {
    return this.partial.length > 0;
  }

  private finish(piece: Uint8Array): Uint8Array {
    if (this.partial.length === 0) return piece;
    this.partial.push(piece);
    let total = 0;
    for (const part of this.partial) total += part.length;
    const packet = new Uint8Array(total);
    let offset = 0;
    for (const part of this.partial) {
      packet.set(part, offset);
      offset += part.length;
    }
    this.partial = [];
    return packet;
  }
}
