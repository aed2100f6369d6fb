/** One STT request. */
export interface TranscribeRequest {
  /** Mono PCM16 samples at `sampleRate` (decode other formats with `@voxgate/audio` first). */
  readonly pcm16: Int16Array;
  /** Rate of `pcm16` in Hz (8 000–192 000); resampled to 16 kHz for the model. */
  readonly sampleRate: number;
  /** ISO-639-1 hint (`en`, `en-US`); anything but English is `unsupported_language`. */
  readonly language?: string;
  /** Aborts: `transcribe` rejects with `aborted` and the busy worker is replaced. */
  readonly signal?: AbortSignal;
  /** Timeout of the whole decoding. Default `LocalVoiceOptions.timeoutMs` + 2 × the audio's duration. */
  readonly timeoutMs?: number;
  /**
   * Called with each segment as soon as it is decoded, in order (for `transcript.text.delta` events).
   * Exceptions it throws are ignored.
   */
  readonly onSegment?: (segment: TranscriptSegment) => void;
}

/** A recognised word, times in seconds from the start of the input. */
export interface TranscriptWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/**
 * One utterance between two pauses, as the VAD cut it: `start`/`end` are the cut (speech plus up to 0.2 s of
 * padding), in seconds from the start of the input, so consecutive segments never overlap (srt/vtt cues).
 */
export interface TranscriptSegment {
  /** 0-based, in order. */
  readonly id: number;
  readonly start: number;
  readonly end: number;
  /** Lower-case words without punctuation, as pocketsphinx outputs them. */
  readonly text: string;
  readonly words: readonly TranscriptWord[];
}

/** The result of `transcribe`. */
export interface Transcription {
  /** All segments' text joined by spaces. */
  readonly text: string;
  /** Always `en` (the only model). */
  readonly language: 'en';
  /** Duration of the input audio in seconds. */
  readonly durationSeconds: number;
  readonly segments: readonly TranscriptSegment[];
  /** Every word with its time (from pocketsphinx's segment iterator). */
  readonly words: readonly TranscriptWord[];
}
