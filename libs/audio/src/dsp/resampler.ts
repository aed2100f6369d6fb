import type { SpeexResamplerModule } from '@echogarden/speex-resampler-wasm/simd';
import { AudioError } from '../audio-error';
import { concatSamples, EMPTY_SAMPLES } from '../internal/bytes';
import { WasmInt16Buffer } from '../internal/wasm-buffer';
import { loadSpeex } from '../wasm/codec-modules';

/** Options of `Resampler.create`. */
export interface ResamplerOptions {
  /**
   * SpeexDSP quality 0–10. Default 5: −136 dB alias rejection at 48→16 kHz, ~1000–2400× realtime with the
   * SIMD build (research/audio-libs.md); 8+ costs twice as much for inaudible gains on speech.
   */
  readonly quality?: number;
}

const cleanup = new FinalizationRegistry<() => void>((release) => release());

/**
 * Streaming mono s16 sample-rate converter (SpeexDSP, WASM SIMD). Stateful: feed chunks of any size to
 * `process`, then call `flush` once. The output is aligned with the input (the filter delay is skipped) and in
 * total exactly `round(inputSamples × outputRate / inputRate)` samples long, so durations survive chains of
 * conversions. Equal rates pass samples through untouched.
 */
export class Resampler {
  private inputSamples = 0;
  private outputSamples = 0;
  private finished = false;

  private constructor(
    readonly inputRate: number,
    readonly outputRate: number,
    private readonly speex: SpeexResamplerModule | undefined,
    private readonly state: number,
    private readonly input: WasmInt16Buffer | undefined,
    private readonly output: WasmInt16Buffer | undefined,
    private readonly lengths: number,
  ) {}

  /** Creates a converter from `inputRate` to `outputRate` (Hz, 1 000–768 000). */
  static async create(inputRate: number, outputRate: number, options: ResamplerOptions = {}): Promise<Resampler> {
    const valid = (rate: number): boolean => Number.isInteger(rate) && rate >= 1000 && rate <= 768_000;
    if (!valid(inputRate) || !valid(outputRate)) {
      throw new AudioError('invalid_argument', `cannot resample ${inputRate} Hz to ${outputRate} Hz`);
    }
    if (inputRate === outputRate) return new Resampler(inputRate, outputRate, undefined, 0, undefined, undefined, 0);
    const speex = await loadSpeex();
    const lengths = speex._malloc(12);
    const state = speex._speex_resampler_init(1, inputRate, outputRate, options.quality ?? 5, lengths + 8);
    if (state === 0) {
      speex._free(lengths);
      throw new Error(`speex_resampler_init failed (${speex.HEAP32[(lengths + 8) >> 2]})`);
    }
    speex._speex_resampler_skip_zeros(state);
    const input = new WasmInt16Buffer(speex);
    const output = new WasmInt16Buffer(speex);
    const resampler = new Resampler(inputRate, outputRate, speex, state, input, output, lengths);
    cleanup.register(resampler, () => Resampler.release(speex, state, input, output, lengths), resampler);
    return resampler;
  }

  /** Converts the next chunk; returns the samples ready so far (possibly fewer or more than proportional). */
  process(samples: Int16Array): Int16Array {
    if (this.finished) throw new AudioError('invalid_argument', 'Resampler.process after flush');
    this.inputSamples += samples.length;
    if (this.speex === undefined) {
      this.outputSamples += samples.length;
      return samples;
    }
    return this.run(samples);
  }

  /** Drains the filter and ends the stream: the remaining samples up to the exact total. Frees the WASM state. */
  flush(): Int16Array {
    if (this.finished) return EMPTY_SAMPLES;
    this.finished = true;
    if (this.speex === undefined) return EMPTY_SAMPLES;
    const expected = Math.round((this.inputSamples * this.outputRate) / this.inputRate);
    const chunks: Int16Array[] = [];
    const latency = this.speex._speex_resampler_get_input_latency(this.state) + 16;
    for (let guard = 0; this.outputSamples < expected && guard < 8; guard++) {
      chunks.push(this.run(new Int16Array(latency)));
    }
    const tail = concatSamples(chunks);
    const surplus = this.outputSamples - expected;
    this.release();
    return surplus > 0 ? tail.subarray(0, Math.max(0, tail.length - surplus)) : tail;
  }

  private run(samples: Int16Array): Int16Array {
    const speex = this.speex as SpeexResamplerModule;
    const input = this.input as WasmInt16Buffer;
    const output = this.output as WasmInt16Buffer;
    const capacity = Math.ceil((samples.length * this.outputRate) / this.inputRate) + 64;
    const outPointer = output.reserve(capacity);
    const inPointer = input.write(samples);
    const chunks: Int16Array[] = [];
    for (let consumed = 0; consumed < samples.length;) {
      speex.HEAPU32[this.lengths >> 2] = samples.length - consumed;
      speex.HEAPU32[(this.lengths + 4) >> 2] = capacity;
      const status = speex._speex_resampler_process_int(
        this.state,
        0,
        inPointer + consumed * 2,
        this.lengths,
        outPointer,
        this.lengths + 4,
      );
      if (status !== 0) throw new Error(`speex_resampler_process_int failed (${status})`);
      const used = speex.HEAPU32[this.lengths >> 2] ?? 0;
      const produced = speex.HEAPU32[(this.lengths + 4) >> 2] ?? 0;
      if (used === 0 && produced === 0) throw new Error('speex resampler made no progress');
      consumed += used;
      this.outputSamples += produced;
      chunks.push(output.read(produced));
    }
    return concatSamples(chunks);
  }

  private release(): void {
    if (this.speex === undefined) return;
    cleanup.unregister(this);
    Resampler.release(this.speex, this.state, this.input, this.output, this.lengths);
  }

  private static release(
    speex: SpeexResamplerModule,
    state: number,
    input: WasmInt16Buffer | undefined,
    output: WasmInt16Buffer | undefined,
    lengths: number,
  ): void {
    speex._speex_resampler_destroy(state);
    input?.free();
    output?.free();
    speex._free(lengths);
  }
}
