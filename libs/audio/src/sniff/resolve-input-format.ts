import { AudioError } from '../audio-error';
import {
  G711_SAMPLE_RATE,
  PCM16_SAMPLE_RATE,
  type DeclaredInputAudioFormat,
  type InputAudioFormat,
} from '../audio-formats';
import { sniffAudio, type AudioCodec, type AudioContainer, type SniffResult } from './sniff-audio';
import { parseWavHeader } from './riff.parser';

/** A checked, decodable input: what `decodeAudio` works from. */
export interface ResolvedInput {
  /**
   * The concrete format: the declared one, or under `auto` the sniffed one (Ogg/Opus is reported as `opus`,
   * WebM as `webm`).
   */
  readonly format: InputAudioFormat;
  /** Container: the sniffed one, or `unknown` for headerless pcm16/G.711. */
  readonly container: AudioContainer;
  /** Codec to decode (for headerless formats, the one the declaration implies). */
  readonly codec: AudioCodec;
  /** Sample rate from the header (or implied by a headerless format). */
  readonly sampleRate?: number;
  /** Channel count from the header (1 for headerless formats). */
  readonly channels?: number;
}

const HEADERLESS: Partial<Record<InputAudioFormat, { codec: AudioCodec; sampleRate: number }>> = {
  pcm16: { codec: 'pcm_s16le', sampleRate: PCM16_SAMPLE_RATE },
  g711_ulaw: { codec: 'mulaw', sampleRate: G711_SAMPLE_RATE },
  g711_alaw: { codec: 'alaw', sampleRate: G711_SAMPLE_RATE },
};

/** Codecs Voxgate decodes, per container. */
const DECODABLE: Record<Exclude<AudioContainer, 'unknown'>, readonly AudioCodec[]> = {
  wav: ['pcm_u8', 'pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'pcm_f32le', 'mulaw', 'alaw'],
  mp3: ['mp3'],
  flac: ['flac'],
  ogg: ['opus'],
  webm: ['opus'],
};

/** The container each header-carrying declared format requires. */
const CONTAINER_OF: Partial<Record<InputAudioFormat, Exclude<AudioContainer, 'unknown'>>> = {
  wav: 'wav',
  mp3: 'mp3',
  flac: 'flac',
  opus: 'ogg',
  ogg: 'ogg',
  webm: 'webm',
};

function describe(sniffed: SniffResult): string {
  return sniffed.codec === 'unknown' ? sniffed.container : `${sniffed.container} (${sniffed.codec})`;
}

/**
 * Checks a declared format against the bytes and returns what to decode. Throws `AudioError`:
 * - `empty_audio` for zero bytes, or a WAV whose data chunk holds no whole sample frame;
 * - `format_mismatch` when the bytes are recognisably another format than declared, naming both (e.g.
 *   declared `mp3`, bytes are `wav (pcm_s16le)`); a headerless declaration (`pcm16`, `g711_*`) whose bytes carry
 *   a known container signature is a mismatch too; `opus` means Ogg/Opus, so WebM/Opus declared as `opus` is a
 *   mismatch that tells the client to declare `webm`;
 * - `unsupported_codec` for a recognised container with a codec Voxgate does not decode (Vorbis, FLAC-in-Ogg,
 *   12-bit WAV, multistream Opus), and under `auto` for bytes that match no known format;
 * - `corrupt_audio` when the container is recognised but its header is malformed, or pcm16 has an odd length.
 *
 * `auto` sniffs and never guesses a headerless format: raw pcm16/G.711 must be declared.
 */
export function resolveInputFormat(declared: DeclaredInputAudioFormat, bytes: Uint8Array): ResolvedInput {
  if (bytes.length === 0) throw new AudioError('empty_audio', 'the audio is empty (0 bytes)');
  const sniffed = sniffAudio(bytes);
  const headerless = declared === 'auto' ? undefined : HEADERLESS[declared];
  if (headerless !== undefined) {
    if (sniffed.container !== 'unknown') {
      throw new AudioError('format_mismatch', `audio declared as ${declared} but the bytes are ${describe(sniffed)}`);
    }
    if (declared === 'pcm16' && bytes.length % 2 === 1) {
      throw new AudioError('corrupt_audio', 'pcm16 audio must have an even number of bytes');
    }
    return { format: declared as InputAudioFormat, container: 'unknown', channels: 1, ...headerless };
  }
  if (sniffed.container === 'unknown') {
    if (declared === 'auto') {
      throw new AudioError(
        'unsupported_codec',
        'unrecognised audio: not WAV, MP3, FLAC, Ogg or WebM (declare pcm16, g711_ulaw or g711_alaw for headerless audio)',
      );
    }
    throw new AudioError('format_mismatch', `audio declared as ${declared} but the bytes are not a ${declared} file`);
  }
  const expected = declared === 'auto' ? sniffed.container : CONTAINER_OF[declared];
  const opusInWrongContainer = declared === 'opus' && sniffed.container === 'webm';
  if (
    expected !== sniffed.container ||
    (declared === 'opus' && sniffed.codec !== 'opus' && sniffed.codec !== 'unknown')
  ) {
    const hint = opusInWrongContainer ? '; declare webm for WebM/Opus' : '';
    throw new AudioError(
      'format_mismatch',
      `audio declared as ${declared} but the bytes are ${describe(sniffed)}${hint}`,
    );
  }
  if (sniffed.problem !== undefined)
    throw new AudioError('corrupt_audio', `malformed ${sniffed.container}: ${sniffed.problem}`);
  if (!DECODABLE[sniffed.container].includes(sniffed.codec)) {
    throw new AudioError('unsupported_codec', `${describe(sniffed)} audio is not supported`);
  }
  // WAV passes through to providers undecoded: a valid header over no samples must stop here.
  if (sniffed.container === 'wav' && parseWavHeader(bytes).dataBytes === 0) {
    throw new AudioError('empty_audio', 'the WAV file holds no samples (its data chunk is empty)');
  }
  const format: InputAudioFormat =
    declared !== 'auto' ? declared : sniffed.container === 'ogg' ? 'opus' : sniffed.container;
  return {
    format,
    container: sniffed.container,
    codec: sniffed.codec,
    ...(sniffed.sampleRate !== undefined ? { sampleRate: sniffed.sampleRate } : {}),
    ...(sniffed.channels !== undefined ? { channels: sniffed.channels } : {}),
  };
}
