import type { HeaderLookup } from './upstream-transport';

/**
 * When and how long to wait before retrying an upstream call that failed before any byte reached the
 * client. Mirrors the official SDKs: 408, 409, 429 and 5xx are retryable, `x-should-retry` overrides,
 * `retry-after-ms` / `retry-after` are honoured up to `maxDelayMs`, else exponential backoff with jitter.
 */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 8_000 };

export function isRetryableStatus(status: number, headers: HeaderLookup): boolean {
  const override = headers.get('x-should-retry');
  if (override === 'true') return true;
  if (override === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  headers: HeaderLookup | null,
  random: () => number,
): number {
  const hinted = headers ? retryAfterMs(headers) : null;
  if (hinted !== null && hinted <= policy.maxDelayMs) return hinted;
  const exponential = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return Math.round(exponential * (1 - random() * 0.25));
}

function retryAfterMs(headers: HeaderLookup): number | null {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null) return null;
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(raw)) {
    const seconds = Number.parseFloat(raw);
    return seconds >= 0 ? seconds * 1000 : null;
  }
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
