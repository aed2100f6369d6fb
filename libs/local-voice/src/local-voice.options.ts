import { DEFAULT_POCKETSPHINX_MODEL_DIR } from './native/pocketsphinx.binding';
import type { VadOptions } from './vad/energy-vad';
import type { LibraryPaths } from './worker/engine.protocol';

/** Options of `LocalVoice.create`. Every field is optional; defaults suit Debian 12 with the apt packages. */
export interface LocalVoiceOptions {
  /** Engine worker threads at most. Default 1 (each pocketsphinx decoder holds ~60 MB; TTS is ~50× realtime). */
  readonly poolSize?: number;
  /** Timeout of one engine job (one TTS sentence). Default 30 000 ms. STT adds `2 ×` the audio's duration. */
  readonly timeoutMs?: number;
  /**
   * Voice names callers may use → engine voices (`"flite:slt"`, `"espeak-ng:en-us+f3"`), merged over
   * `DEFAULT_VOICE_MAP` (every OpenAI voice name). Invalid specs fail `create` with `invalid_argument`.
   */
  readonly voices?: Readonly<Record<string, string>>;
  /** Whether callers may also name an engine voice directly (`voice: "espeak-ng:de"`). Default true. */
  readonly allowEngineVoices?: boolean;
  /** Library file names or paths (Debian 12 sonames by default). */
  readonly libraries?: Partial<LibraryPaths>;
  /** pocketsphinx model directory. Default `/usr/share/pocketsphinx/model/en-us` (Debian `pocketsphinx-en-us`). */
  readonly pocketsphinxModelDir?: string;
  /** Silero VAD model file. Default: the vendored `libs/local-voice/assets/silero_vad.onnx` (copied into dist). */
  readonly sileroModel?: string;
  /** Voice activity detection that cuts long audio into utterances (`engine`: silero by default, or energy). */
  readonly vad?: VadOptions;
  /** Longest TTS piece sent to an engine at once (longer sentences are cut at a comma or space). Default 400. */
  readonly maxSentenceChars?: number;
}

export const DEFAULT_LIBRARY_PATHS: LibraryPaths = {
  flite: 'libflite.so.1',
  fliteVoice: 'libflite_cmu_us_{voice}.so.1',
  espeak: 'libespeak-ng.so.1',
  pocketsphinx: 'libpocketsphinx.so.3',
  sphinxbase: 'libsphinxbase.so.3',
};

export const LOCAL_VOICE_DEFAULTS = {
  poolSize: 1,
  timeoutMs: 30_000,
  allowEngineVoices: true,
  pocketsphinxModelDir: DEFAULT_POCKETSPHINX_MODEL_DIR,
  maxSentenceChars: 400,
} as const;
