/** Decoded audio: mono 16-bit PCM at `sampleRate`. Multichannel sources are downmixed by averaging. */
export interface PcmAudio {
  /** Samples per second of `samples` (the source's rate, or 24 000 for Opus; see decodeAudio). */
  readonly sampleRate: number;
  /** Mono signed 16-bit samples. */
  readonly samples: Int16Array;
}

/** Duration of `audio` in seconds. */
export function pcmDurationSeconds(audio: PcmAudio): number {
  return audio.samples.length / audio.sampleRate;
}
