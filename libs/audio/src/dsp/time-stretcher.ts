import type { SonicModule } from '@echogarden/sonic-wasm';
import { AudioError } from '../audio-error';
import { concatSamples, EMPTY_SAMPLES } from '../internal/bytes';
import { WasmInt16Buffer } from '../internal/wasm-buffer';
import { loadSonic } from '../wasm/codec-modules';

/** Slowest and fastest accepted `speed`. */
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

const cleanup = new FinalizationRegistry<() => void>((release) => release());

/** Throws `invalid_argument` unless `speed` is a finite number in [0.25, 4]. */
export function checkSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    throw new AudioError('invalid_argument', `speed must be between ${MIN_SPEED} and ${MAX_SPEED}, got ${speed}`);
  }
}

/**
 * Streaming time-stretch of mono s16 speech: plays `speed` times faster (0.25–4) with the pitch unchanged and
 * without re-synthesis. Engine: Sonic (WASM), a pitch-synchronous overlap-add built for speech; its delay is
 * about two pitch periods (≤ 25 ms).
 *
 * The output is exactly `round(inputSamples / speed)` samples in total: `process` never emits past the
 * proportional length of what it has been given (holding back Sonic's occasional lead), and `flush` pads or
 * trims the tail. Speed 1 passes samples through untouched.
 */
export class TimeStretcher {
  private inputSamples = 0;
  private emitted = 0;
  private held: Int16Array = EMPTY_SAMPLES;
  private finished = false;

  private constructor(
    readonly sampleRate: number,
    readonly speed: number,
    private readonly sonic: SonicModule | undefined,
    private readonly stream: number,
    private readonly buffer: WasmInt16Buffer | undefined,
  ) {}

  /** Creates a stretcher for `speed` (0.25–4) at `sampleRate` Hz. */
  static async create(sampleRate: number, speed: number): Promise<TimeStretcher> {
    checkSpeed(speed);
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192_000) {
      throw new AudioError('invalid_argument', `cannot time-stretch audio at ${sampleRate} Hz`);
    }
    if (speed === 1) return new TimeStretcher(sampleRate, speed, undefined, 0, undefined);
    const sonic = await loadSonic();
    const stream = sonic._sonicCreateStream(sampleRate, 1);
    if (stream === 0) throw new Error('sonicCreateStream failed');
    sonic._sonicSetSpeed(stream, speed);
    // Sonic's default (decimated) pitch-period search. Its full-rate search ("quality 1") holds a 330 Hz tone
    // at 4× to 330.3 Hz instead of 333.8 Hz, but costs 7× the CPU on speech (4.8 vs 0.7 ms per input second
    // at 4×; 20 vs 2.7 ms at 0.25×), past the 5 ms budget; on speech its measured pitch was no closer.
    const buffer = new WasmInt16Buffer(sonic);
    const stretcher = new TimeStretcher(sampleRate, speed, sonic, stream, buffer);
    cleanup.register(stretcher, () => TimeStretcher.release(sonic, stream, buffer), stretcher);
    return stretcher;
  }

  /** Stretches the next chunk; returns the samples ready so far. */
  process(samples: Int16Array): Int16Array {
    if (this.finished) throw new AudioError('invalid_argument', 'TimeStretcher.process after flush');
    this.inputSamples += samples.length;
    if (this.sonic === undefined) {
      this.emitted += samples.length;
      return samples;
    }
    if (samples.length > 0) {
      const pointer = (this.buffer as WasmInt16Buffer).write(samples);
      if (this.sonic._sonicWriteShortToStream(this.stream, pointer, samples.length) === 0) {
        throw new Error('sonicWriteShortToStream failed');
      }
    }
    return this.emit(Math.floor(this.inputSamples / this.speed));
  }

  /** Processes what is queued and ends the stream with the exact total length. Frees the WASM state. */
  flush(): Int16Array {
    if (this.finished) return EMPTY_SAMPLES;
    this.finished = true;
    if (this.sonic === undefined) return EMPTY_SAMPLES;
    this.sonic._sonicFlushStream(this.stream);
    const expected = Math.round(this.inputSamples / this.speed);
    const tail = this.emit(expected);
    this.release();
    const missing = expected - this.emitted;
    if (missing <= 0) return tail;
    this.emitted = expected;
    const padded = new Int16Array(tail.length + missing);
    padded.set(tail);
    return padded;
  }

  /** Reads everything Sonic has ready, and emits held + ready samples up to `limit` in total. */
  private emit(limit: number): Int16Array {
    const sonic = this.sonic as SonicModule;
    const buffer = this.buffer as WasmInt16Buffer;
    const parts: Int16Array[] = this.held.length > 0 ? [this.held] : [];
    for (let available = sonic._sonicSamplesAvailable(this.stream); available > 0;) {
      const pointer = buffer.reserve(available);
      const read = sonic._sonicReadShortFromStream(this.stream, pointer, available);
      if (read <= 0) break;
      parts.push(buffer.read(read));
      available = sonic._sonicSamplesAvailable(this.stream);
    }
    const ready = concatSamples(parts);
    const allowed = Math.max(0, Math.min(ready.length, limit - this.emitted));
    this.held = ready.subarray(allowed);
    this.emitted += allowed;
    return ready.subarray(0, allowed);
  }

  private release(): void {
    if (this.sonic === undefined) return;
    cleanup.unregister(this);
    TimeStretcher.release(this.sonic, this.stream, this.buffer);
  }

  private static release(sonic: SonicModule, stream: number, buffer: WasmInt16Buffer | undefined): void {
    sonic._sonicDestroyStream(stream);
    buffer?.free();
  }
}
