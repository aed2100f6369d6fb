import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LocalVoiceError } from '../local-voice.error';
import type { VadOptions, VadSegment } from './energy-vad';

/** The vendored Silero VAD v5 model (MIT, snakers4/silero-vad; see libs/local-voice/assets/NOTICE.md). */
export const DEFAULT_SILERO_MODEL = path.join(__dirname, '..', '..', 'assets', 'silero_vad.onnx');

/** The sample rates Silero VAD takes. */
export const SILERO_SAMPLE_RATES: readonly number[] = [8000, 16000];

// The part of sherpa-onnx-node this file uses (the package ships no TypeScript types).
interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  front(enableExternalBuffer?: boolean): { start: number; samples: Float32Array };
  pop(): void;
  flush(): void;
}
interface SherpaOnnx {
  Vad: new (config: SherpaVadConfig, bufferSizeInSeconds: number) => SherpaVad;
}
interface SherpaVadConfig {
  sileroVad: {
    model: string;
    threshold: number;
    minSilenceDuration: number;
    minSpeechDuration: number;
    windowSize: number;
    maxSpeechDuration: number;
  };
  sampleRate: number;
  numThreads: number;
  provider: 'cpu';
  debug: number;
}

/** Samples Silero scores at once at 16 kHz (half at 8 kHz): the model's fixed window. */
const WINDOW_16K = 512;

/**
 * Silero VAD (a small neural speech detector) through sherpa-onnx-node's `Vad`, which bundles onnxruntime.
 * Unlike the energy detector it tells speech from loud stationary noise. Load once per worker thread
 * (`load` reads the native addon and checks the model file); `detect` builds a fresh detector per call
 * (about 10 ms) so calls never share state. Runs in the engine worker: never on the main thread.
 */
export class SileroVad {
  private constructor(
    private readonly sherpa: SherpaOnnx,
    private readonly model: string,
  ) {}

  /** Throws `LocalVoiceError('engine_unavailable')` naming the package or model file when either is missing. */
  static load(model: string = DEFAULT_SILERO_MODEL): SileroVad {
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
    // sherpa-onnx only logs a missing model (to stderr) and returns a null detector: check first.
    if (!existsSync(model)) throw new LocalVoiceError('engine_unavailable', `Silero VAD model not found: ${model}`);
    const vad = new SileroVad(sherpa, model);
    vad.detect(new Int16Array(WINDOW_16K), 16000); // fails now, not on the first request, if the model is bad
    return vad;
  }

  /**
   * Speech segments of `samples` (mono PCM16 at 8 or 16 kHz), shaped like `detectSpeech`'s: padded by
   * `paddingSeconds` without overlapping, in seconds. Uses `threshold` (speech probability, default 0.5),
   * `minSilenceSeconds` (0.6), `minSpeechSeconds` (0.15), `paddingSeconds` (0.2), `maxSegmentSeconds` (20).
   */
  detect(samples: Int16Array, sampleRate: number, options: VadOptions = {}): VadSegment[] {
    if (!SILERO_SAMPLE_RATES.includes(sampleRate)) {
      throw new LocalVoiceError('invalid_argument', `Silero VAD takes 8000 or 16000 Hz audio, not ${sampleRate}`);
    }
    const maxSegment = options.maxSegmentSeconds ?? 20;
    const window = sampleRate === 16000 ? WINDOW_16K : WINDOW_16K / 2;
    let vad: SherpaVad;
    try {
      vad = new this.sherpa.Vad(
        {
          sileroVad: {
            model: this.model,
            threshold: options.threshold ?? 0.5,
            minSilenceDuration: options.minSilenceSeconds ?? 0.6,
            minSpeechDuration: options.minSpeechSeconds ?? 0.15,
            windowSize: window,
            maxSpeechDuration: maxSegment,
          },
          sampleRate,
          numThreads: 1,
          provider: 'cpu',
          debug: 0,
        },
        // Holds the speech not yet popped: at most one segment (max length) plus the silence closing it.
        maxSegment + 30,
      );
    } catch (error) {
      throw new LocalVoiceError(
        'engine_unavailable',
        `Silero VAD could not load ${path.basename(this.model)}: ${reason(error)}`,
      );
    }
    const raw: VadSegment[] = [];
    const drain = (): void => {
      while (!vad.isEmpty()) {
        const { start, samples: speech } = vad.front(false);
        raw.push({ start: start / sampleRate, end: (start + speech.length) / sampleRate });
        vad.pop();
      }
    };
    // One model window per call: sherpa-onnx dates a segment start from the end of the chunk it was fed
    // (longer chunks gave starts up to 0.3 s late and merged segments on the vendored clips).
    const chunk = new Float32Array(window);
    for (let offset = 0; offset < samples.length; offset += chunk.length) {
      const part = samples.subarray(offset, offset + chunk.length);
      for (let index = 0; index < part.length; index++) chunk[index] = (part[index] ?? 0) / 32768;
      vad.acceptWaveform(part.length === chunk.length ? chunk : chunk.subarray(0, part.length));
      drain();
    }
    vad.flush();
    drain();
    return padSegments(raw, options.paddingSeconds ?? 0.2, samples.length / sampleRate);
  }
}

/** Widens each segment by `padding`, never past the audio nor past the midpoint of the gap to a neighbour. */
function padSegments(segments: readonly VadSegment[], padding: number, duration: number): VadSegment[] {
  return segments.map((segment, index) => {
    const previous = segments[index - 1];
    const next = segments[index + 1];
    const start = Math.max(0, segment.start - padding, previous ? (previous.end + segment.start) / 2 : 0);
    const end = Math.min(duration, segment.end + padding, next ? (segment.end + next.start) / 2 : duration);
    return { start: round(start), end: Math.min(duration, round(end)) };
  });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
