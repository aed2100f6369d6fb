import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { decodeAudio, pcmDurationSeconds } from '@voxgate/audio';
import { SPEECH_CLIPS_DIR } from '../fixtures/fixture-paths';
import type { OpenApiValidator } from '../openapi/openapi-validator';
import { type ErrorReply, openAiError } from './fake-upstream.errors';
import type { Exchange } from './fake-upstream.exchange';
import type { ScriptedReply } from './fake-upstream.script';
import { scripted } from './fake-upstream.speech';

/** The extensions OpenAI accepts for an upload (it identifies the format by the file name). */
const ACCEPTED_EXTENSIONS = ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'wav', 'webm'];

/** A multipart form as the fake read it: text fields (repeated `name[]` gathered) and the one file. */
export interface ReceivedForm {
  fields: Record<string, string | string[]>;
  file: { filename: string; bytes: Buffer } | null;
}

/** Parses a multipart/form-data body; rejects on a malformed one. */
export function parseForm(raw: Buffer, contentType: string): Promise<ReceivedForm> {
  return new Promise((resolve, reject) => {
    const form: ReceivedForm = { fields: {}, file: null };
    const parser = Busboy({ headers: { 'content-type': contentType } });
    parser.on('field', (name: string, value: string) => {
      if (name.endsWith('[]')) form.fields[name] = [...((form.fields[name] as string[] | undefined) ?? []), value];
      else form.fields[name] = value;
    });
    parser.on('file', (_name: string, stream: Readable, filename: string) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (form.file = { filename, bytes: Buffer.concat(chunks) }));
    });
    parser.on('finish', () => resolve(form));
    parser.on('error', reject);
    Readable.from([raw]).pipe(parser);
  });
}

/**
 * The form as the spec's JSON Schema sees it (`CreateTranscriptionRequest` / `CreateTranslationRequest`):
 * `file` a binary string, `name[]` as the array `name`, numbers and booleans from their text.
 */
export function formAsSpecObject(form: ReceivedForm): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  if (form.file) object.file = '<binary>';
  for (const [name, value] of Object.entries(form.fields)) {
    const key = name.endsWith('[]') ? name.slice(0, -2) : name;
    if (key === 'temperature' && typeof value === 'string') object[key] = Number(value);
    else if (key === 'stream' && typeof value === 'string') object[key] = value === 'true';
    else object[key] = value;
  }
  return object;
}

/** Checks a transcription/translation form against its spec schema; the violations, or none. */
export function checkForm(form: ReceivedForm, validator: OpenApiValidator | undefined, schema: string): string[] {
  if (!validator) return [];
  return validator
    .validate(schema, formAsSpecObject(form), { rejectUndeclaredKeys: true })
    .errors.map((error) => `${schema}: ${error}`);
}

/** The transcripts of the vendored clips, by duration in seconds (from `manifest.tsv`). */
function clipTranscripts(): { seconds: number; text: string }[] {
  const lines = readFileSync(path.join(SPEECH_CLIPS_DIR, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [, text = '', , , seconds = '0'] = line.split('\t');
    return { seconds: Number(seconds), text };
  });
}

/** What the fake "hears": the vendored clip of the same duration (±3 %), else a fixed sentence. */
export const UNKNOWN_SPEECH = 'This is the fake upstream transcript.';

function recognise(seconds: number): string {
  const clip = clipTranscripts().find((candidate) => Math.abs(candidate.seconds - seconds) <= candidate.seconds * 0.03);
  return clip?.text ?? UNKNOWN_SPEECH;
}

/**
 * `POST …/audio/transcriptions` and `…/audio/translations`: refuses a file whose name has no extension
 * OpenAI accepts (as OpenAI does: `Invalid file format`) or that does not decode; then "transcribes" it by
 * recognising the vendored clip of the same duration, and answers in the asked `response_format` — JSON
 * (`usage` in tokens, or duration for `whisper-1`), `verbose_json` with segments (and words when asked),
 * `text`, `srt`, `vtt` — or, with `stream=true` on a non-whisper model, `transcript.text.delta` events per
 * word and a `transcript.text.done` with usage.
 */
export async function answerTranscription(
  exchange: Exchange,
  form: ReceivedForm,
  task: 'transcribe' | 'translate',
  reply: ScriptedReply | undefined,
  chunkDelayMs: number,
): Promise<ErrorReply | undefined> {
  const file = form.file;
  const extension = path
    .extname(file?.filename ?? '')
    .slice(1)
    .toLowerCase();
  if (!file || !ACCEPTED_EXTENSIONS.includes(extension)) {
    const message = `Invalid file format. Supported formats: ${JSON.stringify(ACCEPTED_EXTENSIONS)}`;
    return { status: 400, body: openAiError(message, 'invalid_request_error', 'file'), reason: 'audio' };
  }
  let seconds: number;
  try {
    seconds = pcmDurationSeconds(await decodeAudio(file.bytes, 'auto'));
  } catch {
    const message = 'Audio file might be corrupted or unsupported';
    return {
      status: 400,
      body: openAiError(message, 'invalid_request_error', 'file', 'invalid_value'),
      reason: 'audio',
    };
  }
  if ((await scripted(exchange, reply)) === 'done') return undefined;
  const model = String(form.fields.model);
  const text = recognise(seconds);
  const format = typeof form.fields.response_format === 'string' ? form.fields.response_format : 'json';
  const whisper = model.startsWith('whisper');
  const words = text.split(/\s+/).filter(Boolean);
  const inputTokens = Math.ceil(seconds * 10);
  const tokenUsage = {
    type: 'tokens',
    input_tokens: inputTokens,
    input_token_details: { text_tokens: 0, audio_tokens: inputTokens },
    output_tokens: words.length,
    total_tokens: inputTokens + words.length,
  };
  const usage = whisper ? { type: 'duration', seconds: Math.ceil(seconds) } : tokenUsage;
  if (form.fields.stream === 'true' && !whisper && task === 'transcribe') {
    const events: unknown[] = words.map((word, index) => ({
      type: 'transcript.text.delta',
      delta: index === 0 ? word : ` ${word}`,
    }));
    if (reply?.kind === 'streamError') {
      return void (await exchange.sendEventStream(
        events.slice(0, reply.afterChunks),
        { kind: 'error', error: reply.error },
        chunkDelayMs,
      ));
    }
    events.push({ type: 'transcript.text.done', text, usage: tokenUsage });
    return void (await exchange.sendEventStream(events, { kind: 'none' }, chunkDelayMs));
  }
  switch (format) {
    case 'text':
      return void exchange.sendText('text/plain; charset=utf-8', `${text}\n`);
    case 'srt':
      return void exchange.sendText(
        'text/plain; charset=utf-8',
        `1\n${timestamp(0, ',')} --> ${timestamp(seconds, ',')}\n${text}\n\n`,
      );
    case 'vtt':
      return void exchange.sendText(
        'text/plain; charset=utf-8',
        `WEBVTT\n\n${timestamp(0, '.')} --> ${timestamp(seconds, '.')}\n${text}\n\n`,
      );
    case 'verbose_json': {
      const granularities = form.fields['timestamp_granularities[]'] ?? ['segment'];
      const perWord = seconds / Math.max(1, words.length);
      return void exchange.sendJson(200, {
        language: 'english',
        duration: seconds,
        text,
        ...(granularities.includes('word')
          ? { words: words.map((word, index) => ({ word, start: index * perWord, end: (index + 1) * perWord })) }
          : {}),
        segments: [
          {
            id: 0,
            seek: 0,
            start: 0,
            end: seconds,
            text: ` ${text}`,
            tokens: words.map((_, index) => 50364 + index),
            temperature: 0,
            avg_logprob: -0.25,
            compression_ratio: 1.2,
            no_speech_prob: 0.01,
          },
        ],
        ...(task === 'transcribe' ? { usage: { type: 'duration', seconds: Math.ceil(seconds) } } : {}),
      });
    }
    default:
      return void exchange.sendJson(200, task === 'translate' ? { text } : { text, usage });
  }
}

/** `00:00:01,500` (SRT) or `00:00:01.500` (VTT). */
function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}
