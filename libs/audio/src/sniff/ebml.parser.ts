import { corrupt } from '../audio-error';

/** One track of a WebM/Matroska file, as far as audio decoding needs it. */
export interface WebmTrack {
  number: number;
  /** Matroska TrackType: 1 video, 2 audio. */
  type: number;
  /** E.g. `A_OPUS`, `A_VORBIS`. */
  codecId: string;
  /** For Opus: the OpusHead header. */
  codecPrivate?: Uint8Array;
  sampleRate?: number;
  channels?: number;
}

/** Result of `parseWebm`. */
export interface WebmFile {
  /** EBML DocType: `webm` or `matroska`. */
  readonly docType: string;
  readonly tracks: readonly WebmTrack[];
  /** Frames (after lacing) of the track asked for, in file order; empty when none was asked for. */
  readonly frames: readonly Uint8Array[];
  /** Sum of the DiscardPadding (ns of trailing padding to drop) of that track's blocks. */
  readonly discardPaddingNs: number;
}

const ID = {
  ebml: 0x1a45dfa3,
  docType: 0x4282,
  segment: 0x18538067,
  cluster: 0x1f43b675,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackType: 0x83,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  audio: 0xe1,
  samplingFrequency: 0xb5,
  channels: 0x9f,
  blockGroup: 0xa0,
  block: 0xa1,
  simpleBlock: 0xa3,
  discardPadding: 0x75a2,
} as const;

/** Master elements whose children the parser reads; every other master is skipped whole. */
const DESCEND = new Set<number>([ID.ebml, ID.segment, ID.cluster, ID.tracks, ID.trackEntry, ID.audio, ID.blockGroup]);

/** True when `bytes` start with the EBML magic number. */
export function looksLikeEbml(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3;
}

interface Vint {
  value: number;
  length: number;
  /** All value bits set: "unknown size". */
  unknown: boolean;
}

/** Reads an EBML variable-length integer; `keepMarker` for element IDs. */
function readVint(bytes: Uint8Array, offset: number, maxLength: number, keepMarker: boolean): Vint | undefined {
  const first = bytes[offset];
  if (first === undefined || first === 0) return undefined;
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > maxLength || offset + length > bytes.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[offset + i] ?? 0;
    value = value * 256 + byte;
    if (byte !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/**
 * Parses a WebM/Matroska file flatly: it descends into Segment, Cluster, Tracks, TrackEntry, Audio and
 * BlockGroup (so unknown-size Segments and Clusters, as live recorders write them, need no end) and skips every
 * other element by its size. With `frameTrack` it collects that track's frames from SimpleBlocks and Blocks
 * (no lacing, Xiph, EBML or fixed lacing). With `headersOnly` it stops at the first Cluster.
 * Throws `corrupt_audio` on malformed or truncated data.
 */
export function parseWebm(bytes: Uint8Array, options: { frameTrack?: number; headersOnly?: boolean } = {}): WebmFile {
  if (!looksLikeEbml(bytes)) throw corrupt('not an EBML file');
  let docType = '';
  const tracks: WebmTrack[] = [];
  const frames: Uint8Array[] = [];
  let discardPaddingNs = 0;
  let lastBlockWasOurs = false;
  let offset = 0;
  while (offset < bytes.length) {
    const id = readVint(bytes, offset, 4, true);
    if (id === undefined) throw corrupt(`invalid EBML element ID at byte ${offset}`);
    const size = readVint(bytes, offset + id.length, 8, false);
    if (size === undefined) throw corrupt(`invalid EBML element size at byte ${offset}`);
    const body = offset + id.length + size.length;
    if (DESCEND.has(id.value)) {
      if (id.value === ID.cluster && options.headersOnly) break;
      if (id.value === ID.trackEntry) tracks.push({ number: 0, type: 0, codecId: '' });
      offset = body;
      continue;
    }
    if (size.unknown) throw corrupt(`EBML element 0x${id.value.toString(16)} has an unknown size`);
    const end = body + size.value;
    if (end > bytes.length) throw corrupt('WebM file is truncated');
    const data = bytes.subarray(body, end);
    const track = tracks[tracks.length - 1];
    switch (id.value) {
      case ID.docType:
        docType = String.fromCharCode(...data).replace(/\0+$/, '');
        break;
      case ID.trackNumber:
        if (track) track.number = readUint(data);
        break;
      case ID.trackType:
        if (track) track.type = readUint(data);
        break;
      case ID.codecId:
        if (track) track.codecId = String.fromCharCode(...data).replace(/\0+$/, '');
        break;
      case ID.codecPrivate:
        if (track) track.codecPrivate = data;
        break;
      case ID.samplingFrequency: {
        const rate = readFloat(data);
        if (track && rate !== undefined) track.sampleRate = rate;
        break;
      }
      case ID.channels:
        if (track) track.channels = readUint(data);
        break;
      case ID.simpleBlock:
      case ID.block:
        lastBlockWasOurs = options.frameTrack !== undefined && readBlock(data, options.frameTrack, frames);
        break;
      case ID.discardPadding:
        if (lastBlockWasOurs) discardPaddingNs += readInt(data);
        break;
      default:
        break;
    }
    offset = end;
  }
  if (docType !== 'webm' && docType !== 'matroska') throw corrupt(`EBML DocType "${docType}" is not WebM/Matroska`);
  return { docType, tracks, frames, discardPaddingNs };
}

function readUint(data: Uint8Array): number {
  let value = 0;
  for (const byte of data) value = value * 256 + byte;
  return value;
}

function readInt(data: Uint8Array): number {
  let value = readUint(data);
  if (data.length > 0 && data.length < 7 && ((data[0] ?? 0) & 0x80) !== 0) value -= 2 ** (8 * data.length);
  return value;
}

function readFloat(data: Uint8Array): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length === 4) return view.getFloat32(0);
  if (data.length === 8) return view.getFloat64(0);
  return undefined;
}

/** Appends the frames of a (Simple)Block belonging to `track` to `out`; returns whether it belonged. */
function readBlock(data: Uint8Array, track: number, out: Uint8Array[]): boolean {
  const number = readVint(data, 0, 8, false);
  if (number === undefined) throw corrupt('malformed WebM block header');
  if (number.value !== track) return false;
  let offset = number.length + 3;
  const flags = data[number.length + 2];
  if (flags === undefined || offset > data.length) throw corrupt('malformed WebM block header');
  const lacing = (flags >> 1) & 0x03;
  if (lacing === 0) {
    out.push(data.subarray(offset));
    return true;
  }
  const count = (data[offset] ?? 0) + 1;
  offset += 1;
  const sizes: number[] = [];
  if (lacing === 1) {
    for (let i = 0; i < count - 1; i++) {
      let size = 0;
      let byte: number;
      do {
        byte = data[offset++] ?? -1;
        if (byte < 0) throw corrupt('malformed Xiph lacing in WebM block');
        size += byte;
      } while (byte === 255);
      sizes.push(size);
    }
  } else if (lacing === 3) {
    const first = readVint(data, offset, 8, false);
    if (first === undefined) throw corrupt('malformed EBML lacing in WebM block');
    offset += first.length;
    let size = first.value;
    sizes.push(size);
    for (let i = 1; i < count - 1; i++) {
      const delta = readVint(data, offset, 8, false);
      if (delta === undefined) throw corrupt('malformed EBML lacing in WebM block');
      offset += delta.length;
      size += delta.value - (2 ** (7 * delta.length - 1) - 1);
      if (size < 0) throw corrupt('malformed EBML lacing in WebM block');
      sizes.push(size);
    }
  } else {
    const each = (data.length - offset) / count;
    if (!Number.isInteger(each)) throw corrupt('malformed fixed lacing in WebM block');
    for (let i = 0; i < count - 1; i++) sizes.push(each);
  }
  for (const size of sizes) {
    if (offset + size > data.length) throw corrupt('WebM block lacing exceeds the block');
    out.push(data.subarray(offset, offset + size));
    offset += size;
  }
  out.push(data.subarray(offset));
  return true;
}
