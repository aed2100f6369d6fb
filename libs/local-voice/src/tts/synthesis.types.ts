/** One TTS request. */
export interface SynthesizeRequest {
  /** Text to speak (plain text; at least one letter or digit). */
  readonly text: string;
  /** An OpenAI voice name (or another key of the configured voice map), or `"engine:voice"` when allowed. */
  readonly voice: string;
  /** 0.25–4.0, default 1. Applied by the engine: flite's `duration_stretch`, espeak-ng's words per minute. */
  readonly speed?: number;
  /**
   * Output sample rate. Default: the engine's own (flite slt/awb/rms/kal16 16 000 Hz, kal 8 000 Hz, espeak-ng
   * 22 050 Hz). Set 24 000 for OpenAI's `pcm16`; resampled with `@voxgate/audio`'s SpeexDSP resampler.
   */
  readonly sampleRate?: number;
  /** Aborts the synthesis: the iterator rejects with `aborted` and the busy worker is replaced. */
  readonly signal?: AbortSignal;
  /** Per-sentence engine timeout, overriding `LocalVoiceOptions.timeoutMs`. */
  readonly timeoutMs?: number;
}

/**
 * One sentence of synthesized speech, yielded in text order as soon as it is ready (the next sentence is
 * already being synthesized while the caller consumes this one). PCM16 mono, native endianness.
 */
export interface PcmChunk {
  /** Samples of this sentence. */
  readonly samples: Int16Array;
  /** Their rate; the same for every chunk of one call. */
  readonly sampleRate: number;
  /** The sentence spoken (0-based `index` in the split input). */
  readonly text: string;
  readonly index: number;
  /**
   * Speed the engine applied. Equals the requested speed except for espeak-ng beyond 80–450 wpm
   * (speed < 0.46 or > 2.57): the caller time-stretches by `speed / appliedSpeed` (`TimeStretcher`).
   */
  readonly appliedSpeed: number;
}
