import {
  Errors,
  parseInbound,
  type TranscriptFormat,
  TranscriptionFieldsSchema,
  type TranscriptTask,
  TranslationFieldsSchema,
} from '@voxgate/openai-wire';
import type { FastifyRequest } from 'fastify';
import { readMultipartForm } from '../http/multipart-form';
import { isMultipartForm } from '../http/multipart-names';

const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 16 * 1024;
const LIST_FIELDS = ['timestamp_granularities[]', 'include[]'];

/** A transcription or translation request as read from its form, validated. */
export interface TranscriptionForm {
  readonly task: TranscriptTask;
  readonly model: string;
  readonly file: { readonly filename: string; readonly bytes: Buffer };
  readonly responseFormat: TranscriptFormat;
  readonly language?: string;
  readonly prompt?: string;
  readonly temperature?: number;
  readonly timestampGranularities?: readonly ('word' | 'segment')[];
  readonly include?: readonly 'logprobs'[];
  readonly chunkingStrategy?: 'auto';
  readonly stream: boolean;
}

/**
 * Reads `POST /v1/audio/transcriptions` or `/translations` (multipart: a `file` part and text fields, as
 * openai-node sends them) and validates the fields strictly against the route's schema: an unknown
 * field, a bad value, a missing or empty `file`, a file over `maxFileBytes` (413) are answered before
 * anything else happens. `stream` on translations and `word` timestamps outside `verbose_json` are 400s,
 * as OpenAI answers them.
 */
export async function readTranscriptionForm(
  request: FastifyRequest,
  task: TranscriptTask,
  maxFileBytes: number,
): Promise<TranscriptionForm> {
  const contentType = request.headers['content-type'];
  if (!isMultipartForm(contentType))
    throw Errors.invalidRequest(
      "Send the audio as multipart/form-data with a 'file' part and a 'model' field.",
      'file',
      'invalid_content_type',
    );
  const form = await readMultipartForm(request.raw, contentType, {
    maxBytes: maxFileBytes + MAX_FIELDS * MAX_FIELD_BYTES,
    maxFileBytes,
    maxFieldBytes: MAX_FIELD_BYTES,
    maxFiles: 1,
    maxFields: MAX_FIELDS,
    listFields: LIST_FIELDS,
    tooLarge: () => Errors.fileTooLarge(maxFileBytes),
    tooManyFiles: () => Errors.invalidRequest('Send one audio file per request.', 'file'),
    tooManyFields: () => Errors.invalidRequest('Too many form fields.'),
  });
  const [name, file] = [...form.files][0] ?? [];
  if (!file) throw Errors.invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  if (name !== 'file')
    throw Errors.invalidRequest(`Unexpected file part '${name}': send the audio as 'file'.`, name ?? null);
  if (file.data.length === 0) throw Errors.invalidRequest("The audio file in 'file' is empty.", 'file');
  const fields = Object.fromEntries<unknown>([...form.fields, ...form.lists]);
  const common = { task, file: { filename: file.filename, bytes: file.data } };
  if (task === 'translate') {
    const parsed = parseInbound(TranslationFieldsSchema, fields);
    return {
      ...common,
      model: parsed.model,
      responseFormat: parsed.response_format ?? 'json',
      ...(parsed.prompt !== undefined ? { prompt: parsed.prompt } : {}),
      ...(parsed.temperature !== undefined ? { temperature: parsed.temperature } : {}),
      stream: false,
    };
  }
  const parsed = parseInbound(TranscriptionFieldsSchema, fields);
  const responseFormat = parsed.response_format ?? 'json';
  const granularities = parsed['timestamp_granularities[]'];
  if (granularities?.length && responseFormat !== 'verbose_json')
    throw Errors.invalidRequest(
      "timestamp_granularities is only supported with response_format 'verbose_json'.",
      'timestamp_granularities',
    );
  return {
    ...common,
    model: parsed.model,
    responseFormat,
    ...(parsed.language !== undefined ? { language: parsed.language } : {}),
    ...(parsed.prompt !== undefined ? { prompt: parsed.prompt } : {}),
    ...(parsed.temperature !== undefined ? { temperature: parsed.temperature } : {}),
    ...(granularities ? { timestampGranularities: granularities } : {}),
    ...(parsed['include[]'] ? { include: parsed['include[]'] } : {}),
    ...(parsed.chunking_strategy ? { chunkingStrategy: parsed.chunking_strategy } : {}),
    stream: parsed.stream === true,
  };
}
