import { AudioError, corrupt } from '../audio-error';
import { parseWebm } from '../sniff/ebml.parser';
import { opusPacketSamples, parseOpusHead, type OpusHead } from '../sniff/opus-packet';
import type { OpusStream } from './opus.decoder';

/**
 * Demuxes the first audio track of a WebM/Matroska file, which must be Opus. The OpusHead comes from the
 * track's CodecPrivate (pre-skip included); without one, a stereo head with pre-skip 0 is assumed. Trailing
 * DiscardPadding (what ffmpeg writes on the last block) becomes the end trim.
 */
export function demuxWebmOpus(bytes: Uint8Array): OpusStream {
  const headers = parseWebm(bytes, { headersOnly: true });
  const track = headers.tracks.find((candidate) => candidate.type === 2);
  if (track === undefined) throw new AudioError('unsupported_codec', 'the WebM file has no audio track');
  if (track.codecId !== 'A_OPUS')
    throw new AudioError('unsupported_codec', `WebM audio codec ${track.codecId} is not supported`);
  if (track.number === 0) throw corrupt('WebM audio track has no track number');
  const head: OpusHead =
    track.codecPrivate !== undefined
      ? parseOpusHead(track.codecPrivate)
      : { channels: track.channels ?? 2, preSkip: 0, inputSampleRate: 48_000, mappingFamily: 0 };
  const { frames, discardPaddingNs } = parseWebm(bytes, { frameTrack: track.number });
  if (discardPaddingNs <= 0) return { head, packets: frames };
  let total48k = 0;
  for (const frame of frames) total48k += opusPacketSamples(frame) ?? 0;
  return { head, packets: frames, finalGranule: total48k - Math.round((discardPaddingNs * 48_000) / 1e9) };
}
