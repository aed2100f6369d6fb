import { AudioError } from './audio-error';

/**
 * Bounds on one decode. Checked from container headers before any decoding where the container states the
 * duration (WAV, FLAC STREAMINFO, a scan of Ogg/WebM Opus packet TOCs or MP3 frame headers), and again while
 * decoding, so a decompression bomb or an over-long input is rejected before the work is done.
 */
export interface AudioLimits {
  /** Longest accepted audio, in seconds (after decoding, i.e. the real playing time). */
  readonly maxDurationSeconds: number;
  /**
   * Largest accepted decoded size in bytes, counted as the returned mono s16 PCM (2 bytes per sample at the
   * decoded rate). Bounds memory independently of the duration limit (e.g. 48 kHz audio is twice 24 kHz).
   */
  readonly maxDecodedBytes: number;
}

/** Defaults matching OpenAI's own input bounds: 25 MB request body, about 10 minutes of audio. */
export const DEFAULT_AUDIO_LIMITS: AudioLimits = { maxDurationSeconds: 600, maxDecodedBytes: 64 * 1024 * 1024 };

/** Throws `too_long` / `too_large` when `samples` mono samples at `sampleRate` exceed `limits`. */
export function assertWithinLimits(samples: number, sampleRate: number, limits: AudioLimits, estimated = false): void {
  const seconds = samples / sampleRate;
  const qualifier = estimated ? 'declares' : 'decodes to';
  if (seconds > limits.maxDurationSeconds) {
    throw new AudioError(
      'too_long',
      `audio ${qualifier} ${seconds.toFixed(1)} s, more than the ${limits.maxDurationSeconds} s allowed`,
    );
  }
  if (samples * 2 > limits.maxDecodedBytes) {
    throw new AudioError(
      'too_large',
      `audio ${qualifier} ${samples * 2} bytes of PCM, more than the ${limits.maxDecodedBytes} allowed`,
    );
  }
}

/** Validates a caller-supplied `AudioLimits`. */
export function checkLimits(limits: AudioLimits): void {
  const ok = (n: number): boolean => Number.isFinite(n) && n > 0;
  if (!ok(limits.maxDurationSeconds) || !ok(limits.maxDecodedBytes)) {
    throw new AudioError('invalid_argument', 'audio limits must be positive finite numbers');
  }
}
