import type { LocalVoiceErrorWire } from '../local-voice.error';
import type { DecodedWord } from '../native/pocketsphinx.binding';
import type { VadOptions } from '../vad/energy-vad';
import type { EngineVoice, FliteVoice } from '../voices';

/** Where the worker finds the native libraries and the STT model (`workerData` of every engine worker). */
export interface EngineWorkerConfig {
  readonly libraries: LibraryPaths;
  readonly pocketsphinxModelDir: string;
  /** Silero VAD ONNX model (default: the vendored `assets/silero_vad.onnx`). */
  readonly sileroModel?: string;
}

/**
 * Shared library file names (searched on the dynamic loader path) or absolute paths. Defaults are the
 * Debian 12 sonames; an operator overrides them for another distribution (see docs/local-voice.md).
 */
export interface LibraryPaths {
  /** `libflite.so.1` (Debian `libflite1`). */
  readonly flite: string;
  /** flite voice library, `{voice}` replaced by slt/awb/rms/kal/kal16: `libflite_cmu_us_{voice}.so.1`. */
  readonly fliteVoice: string;
  /** `libespeak-ng.so.1` (Debian `libespeak-ng1`). */
  readonly espeak: string;
  /** `libpocketsphinx.so.3` (Debian `libpocketsphinx3`). */
  readonly pocketsphinx: string;
  /** `libsphinxbase.so.3` (Debian `libsphinxbase3`). */
  readonly sphinxbase: string;
}

/** One unit of engine work, run entirely inside a worker thread. */
export type EngineJob =
  | { readonly kind: 'synthesize'; readonly text: string; readonly voice: EngineVoice; readonly speed: number }
  | { readonly kind: 'transcribe'; readonly samples: Int16Array; readonly vad: VadOptions }
  | { readonly kind: 'probe'; readonly fliteVoices: readonly FliteVoice[]; readonly espeakVoices: readonly string[] };

/** Result of a `synthesize` job: one sentence of PCM16 mono at the engine's own rate. */
export interface SynthesizeJobResult {
  readonly samples: Int16Array;
  readonly sampleRate: number;
  /** The speed the engine applied (espeak-ng clamps to its rate range; flite applies any speed). */
  readonly appliedSpeed: number;
}

/** One decoded VAD segment (progress of a `transcribe` job, and its result). Times in seconds. */
export interface SegmentWire {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly words: readonly DecodedWord[];
}

/** Availability of one engine as a worker found it. */
export interface EngineAvailability<Voice extends string = string> {
  readonly available: boolean;
  /** Why it is unavailable (operator-facing: names the library or package), when it is not. */
  readonly reason?: string;
  /** Voices that loaded (TTS engines only). */
  readonly voices: readonly Voice[];
}

export interface ProbeJobResult {
  readonly flite: EngineAvailability<FliteVoice>;
  readonly espeak: EngineAvailability;
  readonly pocketsphinx: EngineAvailability;
  /** Silero VAD (sherpa-onnx-node and the vendored model); unavailable means the energy VAD cuts audio. */
  readonly silero: EngineAvailability;
}

/** Result type of each job kind. */
export interface EngineJobResults {
  synthesize: SynthesizeJobResult;
  transcribe: { readonly segments: readonly SegmentWire[] };
  probe: ProbeJobResult;
}

/** Main thread → worker. */
export interface JobMessage {
  readonly id: number;
  readonly job: EngineJob;
}

/** Worker → main thread: progress (a finished STT segment), the result, or a typed error. */
export type WorkerReply =
  | { readonly id: number; readonly type: 'progress'; readonly progress: SegmentWire }
  | { readonly id: number; readonly type: 'done'; readonly result: EngineJobResults[EngineJob['kind']] }
  | { readonly id: number; readonly type: 'error'; readonly error: LocalVoiceErrorWire };
