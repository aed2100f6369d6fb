import { type BatchError, findClientValueProblem } from '@voxgate/openai-wire';
import { SESSION_ID } from '@voxgate/sessions';
import type { BatchLine } from '../batch-line';

/** At most this many errors are reported for one file; the rest are summarised in the last one. */
export const MAX_REPORTED_ERRORS = 100;

const LINE_KEYS = new Set(['custom_id', 'method', 'url', 'body', 'session_id']);

/** A validated input file: its lines, the one model they all name, or the problems found. */
export interface ParsedBatchInput {
  readonly lines: BatchLine[];
  /** The model every line names; null when no line names one. */
  readonly model: string | null;
  /** Empty when the file is valid; otherwise the batch fails with these (lines 1-based). */
  readonly errors: BatchError[];
}

/**
 * Validates a batch input file as OpenAI does, all at once, before any line runs. Codes:
 * `empty_file`, `too_many_tasks` (more than `maxLines`), `invalid_json_line` (not a JSON object),
 * `duplicate_custom_id`, `url_mismatch` (a line's `url` differs from the batch `endpoint`),
 * `model_mismatch` (one model per file), `invalid_method` (only `POST`), plus `missing_required_parameter`,
 * `invalid_type`, `unknown_parameter` and `invalid_session_id` for malformed lines. Blank lines are skipped
 * but still counted, so line numbers match the file as the client sees it.
 */
export function parseBatchInput(content: Buffer, options: { endpoint: string; maxLines: number }): ParsedBatchInput {
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  const rawLines = text.split('\n');
  const lines: BatchLine[] = [];
  const errors: BatchError[] = [];
  const seen = new Set<string>();
  let model: string | null = null;
  let requests = 0;

  rawLines.forEach((raw, index) => {
    const source = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (source.trim() === '') return;
    requests += 1;
    if (requests > options.maxLines) return;
    const problem = checkLine(source, index + 1, { endpoint: options.endpoint, seen, model });
    if ('error' in problem) errors.push(problem.error);
    else {
      model ??= problem.line.body.model as string;
      lines.push(problem.line);
    }
  });

  if (requests === 0)
    errors.push({ code: 'empty_file', message: 'The input file has no requests.', param: null, line: null });
  if (requests > options.maxLines)
    errors.unshift({
      code: 'too_many_tasks',
      message: `The input file has ${requests} requests; a batch may have at most ${options.maxLines}.`,
      param: null,
      line: null,
    });
  return { lines, model, errors: capped(errors) };
}

/** One non-blank line: the validated line, or its first problem. `seen` collects custom_ids. */
function checkLine(
  source: string,
  lineNumber: number,
  context: { endpoint: string; seen: Set<string>; model: string | null },
): { line: BatchLine } | { error: BatchError } {
  const fail = (code: string, message: string, param: string | null = null) => ({
    error: { code, message, param, line: lineNumber },
  });

  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return fail('invalid_json_line', 'This line is not parseable as valid JSON.');
  }
  if (!isRecord(value)) return fail('invalid_json_line', 'This line is not a JSON object.');
  const problem = findClientValueProblem(value);
  if (problem) return fail(problem.code ?? 'invalid_value', problem.message, problem.param);
  const unknown = Object.keys(value).find((key) => !LINE_KEYS.has(key));
  if (unknown !== undefined) return fail('unknown_parameter', `Unrecognized line field: '${unknown}'.`, unknown);

  const { custom_id: customId, method, url, body, session_id: sessionId } = value;
  if (typeof customId !== 'string' || customId.length === 0)
    return fail('missing_required_parameter', "Each line needs a non-empty string 'custom_id'.", 'custom_id');
  if (context.seen.has(customId))
    return fail('duplicate_custom_id', `The custom_id '${customId}' is used by an earlier line.`, 'custom_id');
  context.seen.add(customId);
  if (method !== 'POST') return fail('invalid_method', "The line's 'method' must be 'POST'.", 'method');
  if (url !== context.endpoint)
    return fail(
      'url_mismatch',
      `The line's 'url' (${JSON.stringify(url)}) does not match the batch endpoint '${context.endpoint}'.`,
      'url',
    );
  if (!isRecord(body)) return fail('invalid_type', "The line's 'body' must be a JSON object.", 'body');
  if (sessionId !== undefined && !(typeof sessionId === 'string' && SESSION_ID.test(sessionId)))
    return fail('invalid_session_id', "'session_id' must be 1-128 characters of A-Z a-z 0-9 . _ : -", 'session_id');
  if (typeof body.model !== 'string' || body.model.length === 0)
    return fail('missing_required_parameter', "The line's body needs a 'model'.", 'body.model');
  if (context.model !== null && body.model !== context.model)
    return fail(
      'model_mismatch',
      `Each input file may use one model: this line names '${body.model}', an earlier one '${context.model}'.`,
      'body.model',
    );
  return { line: { lineNumber, customId, url, body, sessionId: typeof sessionId === 'string' ? sessionId : null } };
}

function capped(errors: BatchError[]): BatchError[] {
  if (errors.length <= MAX_REPORTED_ERRORS) return errors;
  const shown = errors.slice(0, MAX_REPORTED_ERRORS - 1);
  shown.push({
    code: 'too_many_errors',
    message: `${errors.length - shown.length} more lines have errors; fix the ones above first.`,
    param: null,
    line: null,
  });
  return shown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
