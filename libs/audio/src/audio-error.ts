/**
 * Stable codes of every failure the audio library reports. The gateway maps them to its error catalogue
 * (all are client errors, HTTP 400, except where the lead decides `too_large`/`too_long` deserve 413).
 *
 * - `empty_audio`: zero bytes, or a container holding no audio samples.
 * - `format_mismatch`: the declared format contradicts the bytes (message names both).
 * - `unsupported_codec`: a recognised container with a codec or layout Voxgate does not decode (e.g. Vorbis),
 *   or bytes that match no known format under `auto`.
 * - `corrupt_audio`: malformed or truncated data (bad header values, broken framing, decoder failures).
 * - `too_long`: the audio lasts longer than `AudioLimits.maxDurationSeconds`.
 * - `too_large`: decoding would produce more than `AudioLimits.maxDecodedBytes`.
 * - `invalid_argument`: a caller bug (bad speed, unknown format name), not a client's audio problem.
 */
export type AudioErrorCode =
  | 'empty_audio'
  | 'format_mismatch'
  | 'unsupported_codec'
  | 'corrupt_audio'
  | 'too_long'
  | 'too_large'
  | 'invalid_argument';

/**
 * The one error type the audio library throws on purpose. `message` is safe to show a client: it names
 * formats, sizes and limits, never file paths, stack traces or library internals.
 */
export class AudioError extends Error {
  override readonly name = 'AudioError';

  constructor(
    /** Stable machine-readable code; see `AudioErrorCode`. */
    readonly code: AudioErrorCode,
    /** Client-safe, human-readable explanation. */
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is an `AudioError` (optionally with the given code). */
export function isAudioError(error: unknown, code?: AudioErrorCode): error is AudioError {
  return error instanceof AudioError && (code === undefined || error.code === code);
}

/** Shorthand for `new AudioError('corrupt_audio', ...)`. */
export function corrupt(message: string, cause?: unknown): AudioError {
  return new AudioError('corrupt_audio', message, cause === undefined ? undefined : { cause });
}
