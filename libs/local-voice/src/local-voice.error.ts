/**
 * Stable codes of every failure the local engines report. The gateway maps them to its error catalogue.
 *
 * - `engine_unavailable`: a shared library (libflite, libespeak-ng, libpocketsphinx) or a model file is
 *   missing or unusable on this host; the message names the Debian package to install. Server-side (503).
 * - `unknown_voice`: the requested voice maps to no engine voice (a client error, 400).
 * - `unsupported_language`: the STT engine has no model for the requested language (400).
 * - `invalid_argument`: empty text, bad sample rate or speed, malformed PCM (400).
 * - `timeout`: the engine job ran longer than its timeout; its worker was replaced (504).
 * - `aborted`: the caller's `AbortSignal` fired; its worker was replaced if it was busy with the call.
 * - `worker_crashed`: the worker thread died during the call (native crash, out of memory); it was replaced (500).
 * - `engine_failed`: the engine returned an error code (500).
 */
export type LocalVoiceErrorCode =
  | 'engine_unavailable'
  | 'unknown_voice'
  | 'unsupported_language'
  | 'invalid_argument'
  | 'timeout'
  | 'aborted'
  | 'worker_crashed'
  | 'engine_failed';

const CODES: ReadonlySet<string> = new Set<LocalVoiceErrorCode>([
  'engine_unavailable',
  'unknown_voice',
  'unsupported_language',
  'invalid_argument',
  'timeout',
  'aborted',
  'worker_crashed',
  'engine_failed',
]);

/**
 * The one error type `@voxgate/local-voice` throws on purpose (also across the worker boundary: a worker
 * sends `{ code, message }` and the main thread rebuilds it). `message` is safe to log and to show an
 * operator; it names libraries, packages and voices, never audio or text content.
 */
export class LocalVoiceError extends Error {
  override readonly name = 'LocalVoiceError';

  constructor(
    /** Stable machine-readable code; see `LocalVoiceErrorCode`. */
    readonly code: LocalVoiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The plain shape posted between threads. */
  toWire(): LocalVoiceErrorWire {
    return { code: this.code, message: this.message };
  }

  /** Rebuilds an error posted by a worker; anything unrecognised becomes `engine_failed`. */
  static fromWire(wire: unknown): LocalVoiceError {
    if (typeof wire === 'object' && wire !== null) {
      const { code, message } = wire as Partial<Record<'code' | 'message', unknown>>;
      if (typeof code === 'string' && CODES.has(code) && typeof message === 'string') {
        return new LocalVoiceError(code as LocalVoiceErrorCode, message);
      }
    }
    return new LocalVoiceError('engine_failed', 'the local engine failed');
  }

  /** Any thrown value as a `LocalVoiceError` (unknown errors become `engine_failed`, message kept). */
  static from(error: unknown): LocalVoiceError {
    if (error instanceof LocalVoiceError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new LocalVoiceError('engine_failed', `the local engine failed: ${message}`, { cause: error });
  }
}

/** A `LocalVoiceError` as it crosses `postMessage`. */
export interface LocalVoiceErrorWire {
  readonly code: LocalVoiceErrorCode;
  readonly message: string;
}
