import type { LocalVoiceError, Transcription, TranscriptSegment } from '@voxgate/local-voice';
import {
  Errors,
  GatewayError,
  type TranscriptBody,
  type TranscriptFormat,
  type TranscriptTask,
  type TranscriptUsage,
} from '@voxgate/openai-wire';

// The wire side of the local engines: their results and errors in OpenAI's shapes.

/**
 * A `LocalVoiceError` as the client sees it. Engine messages name libraries, packages and voices, never
 * the audio or text, so they are shown as they are:
 *
 * - `engine_unavailable` → 503 `engine_unavailable` (the message names the Debian package to install);
 * - `unknown_voice` → 400 on `voice`; `unsupported_language` → 400 on `language`; `invalid_argument` → 400;
 * - `timeout` → 504 `upstream_timeout`; `aborted` → 499-like 408 (the client is gone; nobody reads it);
 * - `worker_crashed`, `engine_failed` → 502 `upstream_error` (the router may try a fallback).
 */
export function gatewayErrorOf(provider: string, raw: LocalVoiceError, input: 'input' | 'file'): GatewayError {
  const error = { code: raw.code, message: raw.message.replace(/[.\s]+$/, '') };
  switch (error.code) {
    case 'engine_unavailable':
      return new GatewayError(
        503,
        'server_error',
        'engine_unavailable',
        `The provider '${provider}' is not usable: ${error.message}.`,
      );
    case 'unknown_voice':
      return Errors.invalidRequest(`Unsupported voice: ${error.message}.`, 'voice', 'invalid_value');
    case 'unsupported_language':
      return Errors.invalidRequest(
        `The provider '${provider}' transcribes English only: ${error.message}.`,
        'language',
        'unsupported_language',
      );
    case 'invalid_argument':
      return Errors.invalidRequest(`Invalid '${input}': ${error.message}.`, input, 'invalid_value');
    case 'timeout':
      return new GatewayError(
        504,
        'upstream_error',
        'upstream_timeout',
        `The provider '${provider}' timed out: ${error.message}.`,
      );
    case 'aborted':
      return new GatewayError(408, 'invalid_request_error', 'request_aborted', 'The request was cancelled.');
    case 'worker_crashed':
    case 'engine_failed':
      return Errors.upstreamError(provider, `${error.message}.`);
  }
}

/** What the local engine reports as usage: whole seconds of input audio, as OpenAI bills `whisper-1`. */
export function durationUsage(seconds: number): TranscriptUsage {
  return { type: 'duration', seconds: Math.ceil(seconds) };
}

/** Options of a transcript that change its shape. */
export interface TranscriptShape {
  readonly task: TranscriptTask;
  readonly temperature?: number;
  readonly timestampGranularities?: readonly ('word' | 'segment')[];
}

/**
 * A `json` or `verbose_json` body exactly as the spec shapes them (`CreateTranscriptionResponseJson`,
 * `…VerboseJson`, `CreateTranslationResponseJson`, `…VerboseJson`):
 *
 * - transcriptions: `json` is `{ text, usage }` (usage `{ type: "duration", seconds }`, as `whisper-1`);
 *   `verbose_json` is `{ language: "english", duration, text, segments?, words?, usage }` with `segments`
 *   unless only `word` granularity was asked (Whisper's default is segments), `words` only when asked;
 * - translations: the same without `usage` and `words` (their spec shapes have neither).
 *
 * The engine has no tokens or log-probabilities: each segment's `tokens` is `[]`, `avg_logprob` and
 * `no_speech_prob` are 0, `compression_ratio` is 1, `seek` is the segment's start in 10 ms frames.
 */
export function transcriptBody(
  result: Transcription,
  format: 'json' | 'verbose_json',
  shape: TranscriptShape,
): TranscriptBody {
  const transcribing = shape.task === 'transcribe';
  const usage = transcribing ? { usage: durationUsage(result.durationSeconds) } : {};
  if (format === 'json') return { text: result.text, ...usage };
  const granularities = shape.timestampGranularities ?? ['segment'];
  const wantsSegments = granularities.includes('segment') || !transcribing;
  const wantsWords = granularities.includes('word') && transcribing;
  return {
    language: 'english',
    duration: round(result.durationSeconds),
    text: result.text,
    ...(wantsSegments
      ? {
          segments: result.segments.map((segment) => ({
            id: segment.id,
            seek: Math.round(segment.start * 100),
            start: round(segment.start),
            end: round(segment.end),
            text: segment.text,
            tokens: [],
            temperature: shape.temperature ?? 0,
            avg_logprob: 0,
            compression_ratio: 1,
            no_speech_prob: 0,
          })),
        }
      : {}),
    // pocketsphinx may report a word's end before its start at a segment's edge: clamped, never negative.
    ...(wantsWords
      ? {
          words: result.words.map((word) => ({
            word: word.word,
            start: round(word.start),
            end: round(Math.max(word.start, word.end)),
          })),
        }
      : {}),
    ...usage,
  };
}

/** The body of `text`, `srt` or `vtt`, as OpenAI writes them (a trailing newline; cues per segment). */
export function transcriptText(
  result: Transcription,
  format: Exclude<TranscriptFormat, 'json' | 'verbose_json'>,
): string {
  const cues = result.segments.filter((segment) => segment.text.length > 0);
  switch (format) {
    case 'text':
      return `${result.text}\n`;
    case 'srt':
      return cues.map((segment, index) => `${index + 1}\n${cueTimes(segment, ',')}\n${segment.text}\n\n`).join('');
    case 'vtt':
      return `WEBVTT\n\n${cues.map((segment) => `${cueTimes(segment, '.')}\n${segment.text}\n\n`).join('')}`;
  }
}

function cueTimes(segment: TranscriptSegment, separator: ',' | '.'): string {
  return `${timestamp(segment.start, separator)} --> ${timestamp(segment.end, separator)}`;
}

/** `HH:MM:SS,mmm` (srt) or `HH:MM:SS.mmm` (vtt). */
export function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const secs = Math.floor(ms / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(ms % 1000, 3)}`;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
