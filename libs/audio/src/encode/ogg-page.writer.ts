import { oggCrc } from '../sniff/ogg.parser';

/** Header-type flags of an Ogg page (RFC 3533 §6). */
export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;

/**
 * Writes the pages of one Ogg logical stream (RFC 3533): each call to `page` lays out whole packets with
 * their lacing values, numbers the page, and stamps its CRC. Packets never span pages here, so a page holds
 * at most 255 lacing values' worth of packets and `pages` splits longer runs.
 */
export class OggPageWriter {
  private sequence = 0;

  constructor(private readonly serial: number) {}

  /**
   * Pages holding `packets` (split when a page would exceed 255 lacing values). Each page's granule position
   * is `granuleAfter(i)` for the index `i` of its last packet (`-1` for a page without packets); `flags`
   * (e.g. `OGG_EOS`) go on the last page; the stream's first page is marked beginning-of-stream.
   */
  pages(packets: readonly Uint8Array[], granuleAfter: (packetIndex: number) => number, flags = 0): Uint8Array[] {
    const out: Uint8Array[] = [];
    let start = 0;
    while (start < packets.length || (start === 0 && packets.length === 0)) {
      let lacingCount = 0;
      let end = start;
      while (end < packets.length) {
        const needed = Math.floor((packets[end]?.length ?? 0) / 255) + 1;
        if (lacingCount + needed > 255) break;
        lacingCount += needed;
        end++;
      }
      if (end === start && packets.length > 0) throw new Error('Opus packet too large for one Ogg page');
      const last = end >= packets.length;
      const granule = end > start ? granuleAfter(end - 1) : granuleAfter(-1);
      out.push(this.page(packets.slice(start, end), granule, last ? flags : flags & ~OGG_EOS));
      start = end;
      if (packets.length === 0) break;
    }
    return out;
  }

  private page(packets: readonly Uint8Array[], granule: number, flags: number): Uint8Array {
    const lacing: number[] = [];
    let bodySize = 0;
    for (const packet of packets) {
      let remaining = packet.length;
      while (remaining >= 255) {
        lacing.push(255);
        remaining -= 255;
      }
      lacing.push(remaining);
      bodySize += packet.length;
    }
    const page = new Uint8Array(27 + lacing.length + bodySize);
    const view = new DataView(page.buffer);
    page.set([0x4f, 0x67, 0x67, 0x53], 0);
    page[5] = flags | (this.sequence === 0 ? OGG_BOS : 0);
    view.setUint32(6, granule % 0x100000000, true);
    view.setUint32(10, Math.floor(granule / 0x100000000), true);
    view.setUint32(14, this.serial, true);
    view.setUint32(18, this.sequence++, true);
    page[26] = lacing.length;
    page.set(lacing, 27);
    let offset = 27 + lacing.length;
    for (const packet of packets) {
      page.set(packet, offset);
      offset += packet.length;
    }
    view.setUint32(22, oggCrc(page), true);
    return page;
  }
}
