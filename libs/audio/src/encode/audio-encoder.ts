import type { OutputAudioFormat } from '../audio-formats';

/**
 * A streaming encoder: push mono s16 PCM in chunks of any size, get back the encoded bytes that are ready.
 * The concatenation of every `push` result and the `end` result is one valid file of `format`.
 *
 * Bytes appear as early as the codec allows: WAV/pcm16/G.711 immediately, MP3 and Opus (one Ogg page per
 * push that completed a packet) within a frame or two, FLAC every 4096 samples, AAC once the encoder
 * thread has answered (see aac.encoder.ts).
 */
export interface AudioEncoder {
  /** The format being produced. */
  readonly format: OutputAudioFormat;
  /** MIME type of the produced file (e.g. `audio/ogg; codecs=opus`). */
  readonly mimeType: string;
  /** Sample rate of the PCM `push` expects (`AudioEncoderOptions.sampleRate`). */
  readonly inputSampleRate: number;
  /**
   * Encodes `pcm` (mono s16 at `inputSampleRate`; the encoder copies what it keeps, the caller may reuse the
   * array) and returns the bytes ready so far, possibly none. Throws after `end()`.
   */
  push(pcm: Int16Array): Uint8Array;
  /**
   * Flushes the codec (pads the last frame, writes end-of-stream markers) and returns the final bytes. Async
   * because the AAC encoder runs on a worker thread; the others resolve at once. Call exactly once.
   */
  end(): Promise<Uint8Array>;
  /**
   * Abandons the file (the client went away): releases codec state at once, including the AAC worker thread,
   * which would otherwise keep running. Idempotent; `push` throws afterwards and `end` returns nothing.
   * Every encoder must see `end` or `abort`.
   */
  abort(): void;
}

/** Options of `createAudioEncoder`. */
export interface AudioEncoderOptions {
  /**
   * Sample rate of the PCM that will be pushed (Hz). The gateway always pushes 24 000. Formats with fixed
   * rates resample inside (pcm16 → 24 kHz, G.711 → 8 kHz); codecs that cannot take the rate directly resample
   * to one they can (Opus → 48 kHz unless 8/12/16/24/48 kHz, MP3 and AAC → 24 kHz unless a rate they support).
   */
  readonly sampleRate: number;
}
