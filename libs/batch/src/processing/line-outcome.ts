import type { BatchOutputLine } from '@voxgate/openai-wire';
import type { LineUsage } from '../batches/batch.repository';

const NO_USAGE: LineUsage = { input: 0, cached: 0, output: 0, reasoning: 0, total: 0 };

/** A line's recorded result: its output line, which file it goes to, and the tokens it used. */
export interface LineOutcome {
  readonly output: BatchOutputLine;
  /** `completed` (status 200: the output file) or `failed` (the error file). */
  readonly outcome: 'completed' | 'failed';
  readonly usage: LineUsage;
}

/** The outcome of a line the endpoint answered (any status). */
export function httpOutcome(
  ids: { id: string; customId: string },
  response: { statusCode: number; requestId: string; body: unknown },
): LineOutcome {
  const ok = response.statusCode === 200;
  return {
    output: {
      id: ids.id,
      custom_id: ids.customId,
      response: { status_code: response.statusCode, request_id: response.requestId, body: response.body },
      error: null,
    },
    outcome: ok ? 'completed' : 'failed',
    usage: ok ? usageOf(response.body) : NO_USAGE,
  };
}

/** The outcome of a line that never got an HTTP answer (e.g. `batch_expired`). */
export function nonHttpOutcome(ids: { id: string; customId: string }, code: string, message: string): LineOutcome {
  return {
    output: { id: ids.id, custom_id: ids.customId, response: null, error: { code, message } },
    outcome: 'failed',
    usage: NO_USAGE,
  };
}

/** A chat completion's `usage`, in the batch's terms (input/output rather than prompt/completion). */
function usageOf(body: unknown): LineUsage {
  const usage = (body as { usage?: unknown } | null)?.usage;
  if (typeof usage !== 'object' || usage === null) return NO_USAGE;
  const read = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0);
  const u = usage as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    total_tokens?: unknown;
    prompt_tokens_details?: { cached_tokens?: unknown } | null;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  return {
    input: read(u.prompt_tokens),
    cached: read(u.prompt_tokens_details?.cached_tokens),
    output: read(u.completion_tokens),
    reasoning: read(u.completion_tokens_details?.reasoning_tokens),
    total: read(u.total_tokens),
  };
}
