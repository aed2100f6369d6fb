import { corrupt } from '../audio-error';
import { ascii, u16le, u32le } from '../internal/bytes';

/** The OpusHead identification header (RFC 7845 §5.1). */
export interface OpusHead {
  readonly channels: number;
  /** Samples (at 48 kHz) to discard from the start of the decoded stream. */
  readonly preSkip: number;
  /** Sample rate of the original input; informational only (Opus always codes at 48 kHz). */
  readonly inputSampleRate: number;
  /** 0 = mono/stereo, 1+ = multistream (more than two channels). */
  readonly mappingFamily: number;
}

/** True when `packet` is an OpusHead header. */
export function isOpusHead(packet: Uint8Array): boolean {
  return ascii(packet, 0, 8) === 'OpusHead';
}

/** Parses an OpusHead packet; throws `corrupt_audio` when malformed. */
export function parseOpusHead(packet: Uint8Array): OpusHead {
  if (!isOpusHead(packet) || packet.length < 19) throw corrupt('malformed OpusHead header');
  const version = packet[8] ?? 0;
  if (version >> 4 !== 0) throw corrupt(`unsupported OpusHead version ${version}`);
  const channels = packet[9] ?? 0;
  if (channels < 1) throw corrupt('OpusHead declares zero channels');
  return {
    channels,
    preSkip: u16le(packet, 10) ?? 0,
    inputSampleRate: u32le(packet, 12) ?? 0,
    mappingFamily: packet[18] ?? 0,
  };
}

/** Frame duration in 48 kHz samples for each TOC configuration (RFC 6716 §3.1). */
const FRAME_SAMPLES = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 480, 960, 120, 240, 480, 960, 120, 240,
  480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
];

/** Largest duration one Opus packet may carry: 120 ms. */
const MAX_PACKET_SAMPLES = 5760;

/**
 * Duration of an Opus packet in 48 kHz samples, read from its TOC byte without decoding (RFC 6716 §3.1), or
 * `undefined` when the packet is malformed. Lets the decoder total a file's duration before decoding it.
 */
export function opusPacketSamples(packet: Uint8Array): number | undefined {
  const toc = packet[0];
  if (toc === undefined) return undefined;
  const frame = FRAME_SAMPLES[toc >> 3] ?? 0;
  const code = toc & 0x03;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 3) {
    const count = packet[1];
    if (count === undefined) return undefined;
    frames = count & 0x3f;
    if (frames === 0) return undefined;
  } else frames = 2;
  const samples = frame * frames;
  return samples > MAX_PACKET_SAMPLES ? undefined : samples;
}
