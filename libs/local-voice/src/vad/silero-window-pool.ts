import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LocalVoiceError } from '../local-voice.error';
import { DEFAULT_SILERO_MODEL } from './silero-vad';

// The part of sherpa-onnx-node's `Vad` this file uses (the package ships no TypeScript types).
interface SherpaStreamVad {
  acceptWaveform(samples: Float32Array): void;
  isDetected(): boolean;
  isEmpty(): boolean;
  pop(): void;
  reset(): void;
}
interface SherpaOnnx {
  Vad: new (config: object, bufferSizeInSeconds: number) => SherpaStreamVad;
}

/** One Silero detector lent to one stream: feed it consecutive 32 ms windows of 16 kHz audio. */
export interface SileroWindow {
  /** True while Silero hears speech (two windows above the threshold start it, one below threshold − 0.15 ends it). */
  isSpeech(window: Float32Array): boolean;
  /** Back to the pool (reset); do not use it afterwards. */
  release(): void;
}

const WINDOW = 512;
/**
 * Past this much continuous speech sherpa-onnx raises its threshold to 0.9 until a pause (its segment
 * cutter); the buffer holds that much audio (64 KiB a second).
 */
const MAX_SPEECH_SECONDS = 10;

/**
 * Silero VAD for live streams (the realtime socket's server VAD): detectors scoring one 512-sample window
 * (32 ms at 16 kHz) at a time, lent out and taken back. Each detector is a sherpa-onnx `Vad` with its own
 * onnxruntime session — about 9 MiB — so a stream holds one only while it needs it (`ModelVadDetector`
 * of `@voxgate/realtime` leases on loud audio and returns after a quiet second), and a returned one is
 * reset and kept for the next lease at its threshold (up to `maxIdle` per threshold, default unbounded).
 * Keeping them is what bounds memory: sherpa-onnx frees a detector only when V8 collects its small
 * wrapper, which it has no reason to do soon, so dropping returned detectors and creating new ones under
 * churn grew a bench gateway by ~1 GiB; kept, the pool stays at the peak number of streams talking at
 * once. Windows are scored on the calling thread (about 0.1–0.3 ms each).
 *
 * sherpa-onnx's own segmenting is switched off (no minimum speech or silence): `isSpeech` is the model's
 * per-window decision, and the caller applies its own silence duration and padding.
 */
export class SileroWindowPool {
  readonly windowSamples = WINDOW;
  private readonly idle = new Map<number, SherpaStreamVad[]>();
  private leasedCount = 0;
  private createdCount = 0;

  private constructor(
    private readonly sherpa: SherpaOnnx,
    private readonly model: string,
    private readonly maxIdle: number,
    private readonly maxDetectors: number,
  ) {}

  /** Throws `LocalVoiceError('engine_unavailable')` naming the package or model file when either is missing. */
  /**
   * `maxDetectors` bounds the detectors the pool ever holds (memory: about 9 MiB each); past it `lease`
   * returns null until one is returned. Default unbounded.
   */
  static load(options: { model?: string; maxIdle?: number; maxDetectors?: number } = {}): SileroWindowPool {
    const model = options.model ?? DEFAULT_SILERO_MODEL;
    let sherpa: SherpaOnnx;
    try {
      sherpa = createRequire(__filename)('sherpa-onnx-node') as SherpaOnnx;
    } catch (error) {
      throw new LocalVoiceError(
        'engine_unavailable',
        `Silero VAD needs the npm package sherpa-onnx-node: ${reason(error)}`,
      );
    }
    if (typeof sherpa.Vad !== 'function') {
      throw new LocalVoiceError(
        'engine_unavailable',
        'sherpa-onnx-node did not load its native addon (sherpa-onnx-linux-x64)',
      );
    }
    if (!existsSync(model)) throw new LocalVoiceError('engine_unavailable', `Silero VAD model not found: ${model}`);
    const pool = new SileroWindowPool(
      sherpa,
      model,
      options.maxIdle ?? Number.POSITIVE_INFINITY,
      options.maxDetectors ?? Number.POSITIVE_INFINITY,
    );
    // Fails now, not on a session's first loud window, if the model is bad; the detector stays pooled.
    pool.lease(0.5)?.release();
    return pool;
  }

  /**
   * Whether `load` can be expected to work, without loading anything: the package resolves and the model
   * file exists. Null when it can; else why not. Lets a process check at boot and load the native addon
   * (onnxruntime, about 30 MB resident) only when a stream first needs a detector.
   */
  static unavailableReason(options: { model?: string } = {}): string | null {
    const model = options.model ?? DEFAULT_SILERO_MODEL;
    try {
      createRequire(__filename).resolve('sherpa-onnx-node');
    } catch (error) {
      return `Silero VAD needs the npm package sherpa-onnx-node: ${reason(error)}`;
    }
    return existsSync(model) ? null : `Silero VAD model not found: ${model}`;
  }

  /** Detectors lent out now, kept idle, and created since load (memory: about 9 MiB each). */
  get stats(): { leased: number; idle: number; created: number } {
    let idle = 0;
    for (const list of this.idle.values()) idle += list.length;
    return { leased: this.leasedCount, idle, created: this.createdCount };
  }

  /** A detector at `threshold` (reset), or null when `maxDetectors` are all lent out. */
  lease(threshold: number): SileroWindow | null {
    const key = Math.round(threshold * 1000) / 1000;
    let vad = this.idle.get(key)?.pop();
    if (!vad) {
      if (this.createdCount >= this.maxDetectors) {
        // Full: give up an idle detector of another threshold for this one, if there is any.
        const other = [...this.idle.values()].find((list) => list.length > 0);
        if (!other) return null;
        other.pop();
        this.createdCount--;
      }
      vad = this.create(key);
    }
    this.leasedCount++;
    let released = false;
    return {
      isSpeech: (window) => {
        vad.acceptWaveform(window);
        // Segments are sherpa's bookkeeping; nothing here reads them.
        while (!vad.isEmpty()) vad.pop();
        return vad.isDetected();
      },
      release: () => {
        if (released) return;
        released = true;
        this.leasedCount--;
        vad.reset();
        const list = this.idle.get(key) ?? [];
        if (list.length < this.maxIdle) {
          list.push(vad);
          this.idle.set(key, list);
        }
      },
    };
  }

  private create(threshold: number): SherpaStreamVad {
    this.createdCount++;
    try {
      return new this.sherpa.Vad(
        {
          sileroVad: {
            model: this.model,
            threshold,
            minSilenceDuration: 0,
            minSpeechDuration: 0,
            windowSize: WINDOW,
            maxSpeechDuration: MAX_SPEECH_SECONDS,
          },
          sampleRate: 16000,
          numThreads: 1,
          provider: 'cpu',
          debug: 0,
        },
        MAX_SPEECH_SECONDS + 5,
      );
    } catch (error) {
      throw new LocalVoiceError('engine_unavailable', `Silero VAD could not load its model: ${reason(error)}`);
    }
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
