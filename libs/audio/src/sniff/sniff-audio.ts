import { AudioError } from '../audio-error';
import { parseWebm, looksLikeEbml } from './ebml.parser';
import { findFlacMarker, parseFlacStreamInfo } from './flac-streaminfo.parser';
import { findFirstMp3Frame, parseMp3FrameHeader } from './mp3-frame.parser';
import { looksLikeOgg, OggPacketAssembler, readOggPage } from './ogg.parser';
import { isOpusHead, parseOpusHead } from './opus-packet';
import { looksLikeWav, parseWavHeader, WAVE_FORMAT } from './riff.parser';

/** Containers `sniffAudio` recognises. `webm` covers Matroska too (same EBML structure). */
export type AudioContainer = 'wav' | 'mp3' | 'flac' | 'ogg' | 'webm' | 'unknown';

/** Codecs `sniffAudio` recognises (not all are decodable: see `resolveInputFormat`). */
export type AudioCodec =
  | 'pcm_s16le'
  | 'pcm_s24le'
  | 'pcm_s32le'
  | 'pcm_f32le'
  | 'pcm_u8'
  | 'mulaw'
  | 'alaw'
  | 'mp3'
  | 'flac'
  | 'opus'
  | 'vorbis'
  | 'unknown';

/**
 * What the first bytes of a file say it is. Headerless formats (`pcm16`, `g711_*`) carry no signature and are
 * never reported: they come out as `{ container: 'unknown', codec: 'unknown' }`.
 */
export interface SniffResult {
  readonly container: AudioContainer;
  /** Codec of the (first) audio stream; `unknown` when the container is recognised but its codec is not. */
  readonly codec: AudioCodec;
  /** Stream sample rate from the header, when stated (always 48 000 for Opus, its coding rate). */
  readonly sampleRate?: number;
  /** Channel count from the header, when stated. */
  readonly channels?: number;
  /**
   * Set when the container was recognised but its header is malformed (the bytes are then not decodable);
   * a client-safe description.
   */
  readonly problem?: string;
}

const UNKNOWN: SniffResult = { container: 'unknown', codec: 'unknown' };

/**
 * Identifies container and codec from magic numbers and a real parse of the header structures (RIFF chunk
 * walk, Ogg page + first packet, EBML header + Tracks, ID3v2 skip + two consecutive MPEG frame headers, FLAC
 * STREAMINFO). Never throws; reads at most the headers.
 */
export function sniffAudio(bytes: Uint8Array): SniffResult {
  if (bytes.length < 4) return UNKNOWN;
  try {
    if (looksLikeWav(bytes)) return sniffWav(bytes);
    if (looksLikeOgg(bytes)) return sniffOgg(bytes);
    if (looksLikeEbml(bytes)) return sniffWebm(bytes);
    if (findFlacMarker(bytes) !== undefined) return sniffFlac(bytes);
    const mp3 = findFirstMp3Frame(bytes);
    if (mp3 !== undefined) {
      const header = parseMp3FrameHeader(bytes, mp3);
      if (header) return { container: 'mp3', codec: 'mp3', sampleRate: header.sampleRate, channels: header.channels };
    }
  } catch (error) {
    if (!(error instanceof AudioError)) throw error;
  }
  return UNKNOWN;
}

function problemOf(error: unknown): string {
  if (error instanceof AudioError) return error.message;
  throw error;
}

function sniffWav(bytes: Uint8Array): SniffResult {
  try {
    const header = parseWavHeader(bytes);
    const base = { container: 'wav', sampleRate: header.sampleRate, channels: header.channels } as const;
    return { ...base, codec: wavCodec(header.formatTag, header.bitsPerSample) };
  } catch (error) {
    return { container: 'wav', codec: 'unknown', problem: problemOf(error) };
  }
}

function wavCodec(tag: number, bits: number): AudioCodec {
  if (tag === WAVE_FORMAT.pcm) {
    return bits === 8
      ? 'pcm_u8'
      : bits === 16
        ? 'pcm_s16le'
        : bits === 24
          ? 'pcm_s24le'
          : bits === 32
            ? 'pcm_s32le'
            : 'unknown';
  }
  if (tag === WAVE_FORMAT.float && bits === 32) return 'pcm_f32le';
  if (tag === WAVE_FORMAT.mulaw && bits === 8) return 'mulaw';
  if (tag === WAVE_FORMAT.alaw && bits === 8) return 'alaw';
  return 'unknown';
}

function sniffOgg(bytes: Uint8Array): SniffResult {
  try {
    const { page } = readOggPage(bytes, 0, false);
    const first = new OggPacketAssembler().push(page)[0];
    if (first === undefined) return { container: 'ogg', codec: 'unknown' };
    if (isOpusHead(first)) {
      const head = parseOpusHead(first);
      return { container: 'ogg', codec: 'opus', sampleRate: 48_000, channels: head.channels };
    }
    if (first[0] === 0x01 && String.fromCharCode(...first.subarray(1, 7)) === 'vorbis' && first.length >= 16) {
      const rate = new DataView(first.buffer, first.byteOffset, first.byteLength).getUint32(12, true);
      return { container: 'ogg', codec: 'vorbis', sampleRate: rate, channels: first[11] ?? 0 };
    }
    if (first[0] === 0x7f && String.fromCharCode(...first.subarray(1, 5)) === 'FLAC') {
      return { container: 'ogg', codec: 'flac' };
    }
    return { container: 'ogg', codec: 'unknown' };
  } catch (error) {
    return { container: 'ogg', codec: 'unknown', problem: problemOf(error) };
  }
}

function sniffWebm(bytes: Uint8Array): SniffResult {
  try {
    const file = parseWebm(bytes, { headersOnly: true });
    const audio = file.tracks.find((track) => track.type === 2);
    if (audio === undefined) return { container: 'webm', codec: 'unknown' };
    const codec: AudioCodec = audio.codecId === 'A_OPUS' ? 'opus' : audio.codecId === 'A_VORBIS' ? 'vorbis' : 'unknown';
    // Opus always codes at 48 kHz; muxers disagree on what SamplingFrequency to state (ffmpeg writes the input's).
    const sampleRate = codec === 'opus' ? 48_000 : audio.sampleRate;
    return {
      container: 'webm',
      codec,
      ...(sampleRate !== undefined ? { sampleRate } : {}),
      ...(audio.channels !== undefined ? { channels: audio.channels } : {}),
    };
  } catch (error) {
    return { container: 'webm', codec: 'unknown', problem: problemOf(error) };
  }
}

function sniffFlac(bytes: Uint8Array): SniffResult {
  try {
    const info = parseFlacStreamInfo(bytes);
    return { container: 'flac', codec: 'flac', sampleRate: info.sampleRate, channels: info.channels };
  } catch (error) {
    return { container: 'flac', codec: 'unknown', problem: problemOf(error) };
  }
}
