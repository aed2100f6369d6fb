import { decodeG711 } from '@voxgate/audio';
import type { AudioFormat } from './server-events';

/** Samples per second the buffer holds for a session input format (G.711 is 8 kHz, PCM 24 kHz). */
export function sampleRateOf(format: AudioFormat): number {
  return format.type === 'audio/pcm' ? 24000 : 8000;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why an append was refused; becomes an `error` event. */
export class AppendError extends Error {
  constructor(
    readonly code: 'invalid_audio' | 'input_audio_buffer_full',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The session's uncommitted input audio, as mono 16-bit PCM at the input format's rate, plus the
 * session's audio clock: `totalSamples` counts every sample ever appended, so VAD timestamps are
 * milliseconds since the session started (spec `audio_start_ms` / `audio_end_ms`). Bounded: an append
 * beyond `maxSamples` is refused and the buffer keeps what it had.
 */
export class InputAudioBuffer {
  private chunks: Int16Array[] = [];
  private length = 0;
  /** A pcm16 byte left over from an append of odd length, completed by the next. */
  private pendingByte: number | null = null;
  private appended = 0;

  constructor(
    private format: AudioFormat,
    private readonly maxSamples: number,
  ) {}

  get sampleRate(): number {
    return sampleRateOf(this.format);
  }

  /** Samples in the buffer now. */
  get size(): number {
    return this.length;
  }

  /** Samples appended since the session started (committed or cleared ones included). */
  get totalSamples(): number {
    return this.appended;
  }

  /** Changes the input format; only between turns (the buffer is cleared, the clock keeps running). */
  setFormat(format: AudioFormat): void {
    if (format.type === this.format.type) return;
    this.clear();
    this.format = format;
  }

  /** Decodes base64 audio of the input format and appends it; returns the new samples (for VAD). */
  append(base64: string): Int16Array {
    if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
      throw new AppendError('invalid_audio', 'The audio is not valid base64.');
    }
    const bytes = Buffer.from(base64, 'base64');
    const samples = this.decode(bytes);
    if (this.length + samples.length > this.maxSamples) {
      throw new AppendError(
        'input_audio_buffer_full',
        `The input audio buffer would exceed ${Math.round(this.maxSamples / this.sampleRate)} seconds; commit or clear it first.`,
      );
    }
    if (samples.length > 0) this.chunks.push(samples);
    this.length += samples.length;
    this.appended += samples.length;
    return samples;
  }

  /**
   * Takes the buffer's audio between session samples `from` and `to` (default: all of it). Audio before
   * `from` is dropped; audio after `to` stays in the buffer (the start of the next turn).
   */
  take(from = 0, to = Number.POSITIVE_INFINITY): Int16Array {
    const all = new Int16Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    const bufferStart = this.appended - this.length;
    const end = Math.min(Math.max(0, to - bufferStart), all.length);
    const start = Math.min(Math.max(0, from - bufferStart), end);
    const rest = all.slice(end);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return all.slice(start, end);
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
    this.pendingByte = null;
  }

  private decode(bytes: Buffer): Int16Array {
    if (this.format.type === 'audio/pcmu') return decodeG711(bytes, 'ulaw');
    if (this.format.type === 'audio/pcma') return decodeG711(bytes, 'alaw');
    let data: Uint8Array = bytes;
    if (this.pendingByte !== null) {
      data = new Uint8Array(bytes.length + 1);
      data[0] = this.pendingByte;
      data.set(bytes, 1);
      this.pendingByte = null;
    }
    const whole = data.length - (data.length % 2);
    if (whole < data.length) this.pendingByte = data[whole] ?? 0;
    const samples = new Int16Array(whole / 2);
    const view = new DataView(data.buffer, data.byteOffset, whole);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
    return samples;
  }
}
