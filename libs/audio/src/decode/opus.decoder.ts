import { AudioError, corrupt } from '../audio-error';
import { assertWithinLimits, type AudioLimits } from '../audio-limits';
import type { PcmAudio } from '../pcm-audio';
import { SliceClock } from '../internal/yield-to-event-loop';
import { opusPacketSamples, type OpusHead } from '../sniff/opus-packet';
import { loadOpus } from '../wasm/codec-modules';

/**
 * Opus is decoded straight to 24 kHz mono: libopus decodes natively at that rate (no separate resampler),
 * and a stereo packet into a mono decoder is downmixed by libopus itself. 24 kHz keeps everything speech
 * models use and is OpenAI's pcm16 rate.
 */
export const OPUS_DECODE_RATE = 24_000;
const RATE_DIVISOR = 48_000 / OPUS_DECODE_RATE;

/** Demuxed Opus: the identification header, the audio packets and, for Ogg, the final granule position. */
export interface OpusStream {
  readonly head: OpusHead;
  readonly packets: readonly Uint8Array[];
  /** Last granule position (48 kHz, includes pre-skip); trims the end padding when present. */
  readonly finalGranule?: number;
}

/**
 * Decodes demuxed Opus packets. The duration is totalled from the packets' TOC bytes and checked against
 * `limits` before anything is decoded (a packet of 3 bytes may expand to 120 ms: the bomb case). Pre-skip is
 * dropped and the end trimmed to the final granule, as RFC 7845 §4 asks.
 */
export async function decodeOpusStream(stream: OpusStream, limits: AudioLimits): Promise<PcmAudio> {
  if (stream.head.channels > 2 || stream.head.mappingFamily > 1) {
    throw new AudioError(
      'unsupported_codec',
      `Opus with ${stream.head.channels} channels (multistream) is not supported`,
    );
  }
  let total48k = 0;
  for (const packet of stream.packets) {
    const samples = opusPacketSamples(packet);
    if (samples === undefined) throw corrupt('malformed Opus packet');
    total48k += samples;
  }
  let end48k = total48k;
  const granule = stream.finalGranule;
  if (granule !== undefined && granule >= stream.head.preSkip && granule <= total48k) end48k = granule;
  const start = Math.floor(stream.head.preSkip / RATE_DIVISOR);
  const end = Math.floor(end48k / RATE_DIVISOR);
  if (end <= start) throw new AudioError('empty_audio', 'the Opus stream holds no audio');
  assertWithinLimits(end - start, OPUS_DECODE_RATE, limits, true);

  const { Decoder } = await loadOpus();
  const decoder = new Decoder({ channels: 1, sample_rate: OPUS_DECODE_RATE });
  const decoded = new Int16Array(Math.ceil(total48k / RATE_DIVISOR));
  const clock = new SliceClock();
  let offset = 0;
  for (const packet of stream.packets) {
    let pcm: Uint8Array;
    try {
      pcm = decoder.decode(packet);
    } catch (error) {
      throw corrupt('an Opus packet failed to decode', error);
    }
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
    if (offset + samples.length > decoded.length) throw corrupt('Opus packet decoded longer than its TOC says');
    decoded.set(samples, offset);
    offset += samples.length;
    await clock.maybeYield();
  }
  return { sampleRate: OPUS_DECODE_RATE, samples: decoded.slice(start, Math.min(end, offset)) };
}
