import { Errors } from '@voxgate/openai-wire';
import type { BatchLine, BatchLineContext, BatchLineExecutor, BatchLineResponse } from '../batch-line';
import type { BatchEnvironment, BatchSettings } from '../batch.settings';

/** Longest sleep between two looks at `shouldStop` while waiting to retry. */
const STOP_CHECK_MS = 1_000;

/**
 * Executes a line until it has an answer worth recording:
 * - 429 (quotas, or the provider's rate limit): waits `retry-after` (at most `rateLimitMaxWaitMs`, 1 s when
 *   absent) and tries again, for as long as the batch runs — a rate limit never fails a line. A 429 with
 *   `x-should-retry: false` (a spent monthly budget) cannot clear by waiting and is recorded.
 * - 5xx (the executor throwing counts as a 500): retried `serverErrorRetries` times with doubling
 *   backoff, then recorded.
 * - anything else is recorded as it is.
 *
 * Returns null when `shouldStop` turned true during a wait (cancel, expiry, shutdown): the line then has no
 * result and runs again if the batch is resumed.
 */
export async function executeWithRetries(
  executor: BatchLineExecutor,
  line: BatchLine,
  context: BatchLineContext,
  deps: { settings: BatchSettings; env: BatchEnvironment; shouldStop: () => Promise<boolean> },
): Promise<BatchLineResponse | null> {
  const { settings, env } = deps;
  const pause = async (ms: number): Promise<boolean> => {
    let left = ms;
    while (left > 0) {
      const slice = Math.min(left, STOP_CHECK_MS);
      await env.sleep(slice);
      left -= slice;
      if (await deps.shouldStop()) return false;
    }
    return !(await deps.shouldStop());
  };

  let serverErrors = 0;
  for (;;) {
    let response: BatchLineResponse;
    try {
      response = await executor.execute(line, context);
    } catch {
      response = { statusCode: 500, requestId: env.newId('req_'), body: Errors.internal().toJSON() };
    }
    if (response.statusCode === 429 && response.shouldRetry !== false) {
      const wait = Math.min(Math.max(response.retryAfterMs ?? 1_000, 0), settings.rateLimitMaxWaitMs);
      if (!(await pause(wait))) return null;
      continue;
    }
    if (response.statusCode >= 500 && serverErrors < settings.serverErrorRetries) {
      const backoff = settings.serverErrorBackoffMs * 2 ** serverErrors;
      serverErrors += 1;
      if (!(await pause(Math.min(Math.max(backoff, response.retryAfterMs ?? 0), settings.rateLimitMaxWaitMs))))
        return null;
      continue;
    }
    return response;
  }
}
