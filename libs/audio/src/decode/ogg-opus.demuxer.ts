import { AudioError, corrupt } from '../audio-error';
import { OggPacketAssembler, readOggPage } from '../sniff/ogg.parser';
import { isOpusHead, parseOpusHead, type OpusHead } from '../sniff/opus-packet';
import type { OpusStream } from './opus.decoder';

/**
 * Demuxes the first Opus logical stream of an Ogg file (RFC 7845): every page's CRC is verified, packets
 * spanning pages are reassembled, other logical streams (e.g. Skeleton) are skipped, and reading stops at the
 * stream's end-of-stream page. Throws `corrupt_audio` on truncated or damaged pages.
 */
export function demuxOggOpus(bytes: Uint8Array): OpusStream {
  let serial: number | undefined;
  let head: OpusHead | undefined;
  let sawTags = false;
  let finalGranule: number | undefined;
  const assembler = new OggPacketAssembler();
  const packets: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const { page, next } = readOggPage(bytes, offset, true);
    offset = next;
    if (serial === undefined) {
      if ((page.headerType & 0x02) === 0) throw corrupt('Ogg stream does not start with a beginning-of-stream page');
      const first = page.body.subarray(0, page.lacing[0] ?? 0);
      if (!isOpusHead(first)) continue;
      serial = page.serial;
    }
    if (page.serial !== serial) continue;
    for (const packet of assembler.push(page)) {
      if (head === undefined) head = parseOpusHead(packet);
      else if (!sawTags) {
        if (String.fromCharCode(...packet.subarray(0, 8)) !== 'OpusTags')
          throw corrupt('Ogg/Opus stream lacks OpusTags');
        sawTags = true;
      } else packets.push(packet);
    }
    if (page.granule >= 0 && sawTags) finalGranule = page.granule;
    if ((page.headerType & 0x04) !== 0) break;
  }
  if (head === undefined) throw new AudioError('unsupported_codec', 'the Ogg file holds no Opus stream');
  if (assembler.pending) throw corrupt('Ogg/Opus stream ends inside a packet (truncated file)');
  return { head, packets, ...(finalGranule !== undefined ? { finalGranule } : {}) };
}
