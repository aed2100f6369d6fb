import { AudioError } from '../audio-error';
import { PCM16_SAMPLE_RATE, type OutputAudioFormat } from '../audio-formats';
import { TimeStretcher, checkSpeed } from '../dsp/time-stretcher';
import { createAudioEncoder } from '../encode/create-audio-encoder';
import { concatBytes } from '../internal/bytes';
import { Pcm16ByteCarry } from '../internal/pcm-convert';

/** Options of `createOutputPipeline`. */
export interface OutputPipelineOptions {
  /** Rate of the pcm16 the provider streams (OpenAI: 24 000, the default). */
  readonly inputSampleRate?: number;
  /** Playback speed 0.25–4 (pitch kept; 1 = unchanged, the default). */
  readonly speed?: number;
  /** Format to deliver. */
  readonly format: OutputAudioFormat;
}

/**
 * Provider audio → client audio, one response at a time: s16le bytes in (any chunk length, an odd trailing
 * byte is carried to the next chunk), time-stretched by `speed`, encoded to `format`. The concatenation of
 * every `push` result and the `end` result is one valid file.
 */
export interface OutputPipeline {
  /** MIME type of the delivered file. */
  readonly mimeType: string;
  /** Feeds the next upstream chunk (e.g. one decoded `delta.audio.data`); returns the bytes ready so far. */
  push(pcm16le: Uint8Array): Uint8Array;
  /**
   * Ends the response: flushes the stretcher and the encoder, returns the final bytes. A lone odd byte left
   * over (a broken upstream) is dropped. Call exactly once.
   */
  end(): Promise<Uint8Array>;
  /**
   * Abandons the response (client disconnected, upstream failed): frees the stretcher and the encoder
   * (including the AAC worker thread) at once. Idempotent. Every pipeline must see `end` or `abort`.
   */
  abort(): void;
  /** Seconds of audio received so far (for metering input audio tokens). */
  readonly inputSeconds: number;
  /** Seconds of audio delivered so far, after the speed change (exact after `end`). */
  readonly outputSeconds: number;
}

/** Creates the output pipeline for one response. Throws `invalid_argument` for a speed outside 0.25–4. */
export async function createOutputPipeline(options: OutputPipelineOptions): Promise<OutputPipeline> {
  const rate = options.inputSampleRate ?? PCM16_SAMPLE_RATE;
  const speed = options.speed ?? 1;
  checkSpeed(speed);
  const [stretcher, encoder] = await Promise.all([
    TimeStretcher.create(rate, speed),
    createAudioEncoder(options.format, { sampleRate: rate }),
  ]);
  const carry = new Pcm16ByteCarry();
  let samplesIn = 0;
  let samplesOut = 0;
  let ended = false;
  return {
    mimeType: encoder.mimeType,
    push(pcm16le: Uint8Array): Uint8Array {
      if (ended) throw new AudioError('invalid_argument', 'push after end');
      const samples = carry.take(pcm16le);
      samplesIn += samples.length;
      const stretched = stretcher.process(samples);
      samplesOut += stretched.length;
      return encoder.push(stretched);
    },
    async end(): Promise<Uint8Array> {
      if (ended) throw new AudioError('invalid_argument', 'end called twice');
      ended = true;
      const tail = stretcher.flush();
      samplesOut += tail.length;
      return concatBytes([encoder.push(tail), await encoder.end()]);
    },
    abort(): void {
      if (ended) return;
      ended = true;
      stretcher.flush();
      encoder.abort();
    },
    get inputSeconds() {
      return samplesIn / rate;
    },
    get outputSeconds() {
      return samplesOut / rate;
    },
  };
}
