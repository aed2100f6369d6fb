import type { VadEvent } from './server-vad';

/** What a detector needs of the session's `turn_detection` (semantic VAD is mapped onto these first). */
export interface TurnDetectorSettings {
  /** 0–1; higher needs more evidence of speech (a louder frame, a likelier window). */
  readonly threshold: number;
  /** Audio kept before the detected start of speech, in ms (`audio_start_ms` is moved back by it). */
  readonly prefix_padding_ms: number;
  /** Silence that ends a turn, in ms. */
  readonly silence_duration_ms: number;
}

/**
 * Finds the start and end of speech in a session's appended audio. Fed every appended sample in order
 * (at the input buffer's rate); returns the transitions each push caused, with times on the session's
 * audio clock (ms since the session's first sample) and the session sample at which a stop was decided.
 * Synchronous: the session commits a turn in the same step that appended its last audio.
 */
export interface TurnDetector {
  /** True between a `speech_started` and its `speech_stopped`. */
  readonly inSpeech: boolean;
  push(samples: Int16Array): VadEvent[];
  /** Forgets a speech in progress (after a manual commit or clear); the clock keeps running. */
  reset(): void;
  /** The session replaced or closed this detector: give back what it holds (a leased model). */
  dispose(): void;
}

/**
 * Builds a session's detector when VAD turns on or its settings change: `sampleRate` is the input
 * buffer's (24 kHz PCM, 8 kHz G.711), `startSample` the session clock's position (samples appended so far).
 */
export type TurnDetectorFactory = (
  settings: TurnDetectorSettings,
  sampleRate: number,
  startSample: number,
) => TurnDetector;
