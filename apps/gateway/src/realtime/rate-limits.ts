import type { RateLimit } from '@voxgate/realtime';

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const SECONDS_PER_UNIT = { h: 3600, m: 60, s: 1, ms: 0.001 } as const;

/**
 * `rate_limits.updated` entries from an admitted request's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`
 * headers (the quota reservation's: what the tenant or key has left with this request's estimate
 * reserved). A limit the tenant does not have has no headers and no entry; no limits, an empty list.
 */
export function rateLimitsOf(headers: Readonly<Record<string, string>>): RateLimit[] {
  const limits: RateLimit[] = [];
  for (const name of ['requests', 'tokens'] as const) {
    const limit = Number(headers[`x-ratelimit-limit-${name}`]);
    const remaining = Number(headers[`x-ratelimit-remaining-${name}`]);
    const reset = headers[`x-ratelimit-reset-${name}`];
    if (!Number.isInteger(limit) || !Number.isInteger(remaining) || reset === undefined) continue;
    limits.push({ name, limit, remaining: Math.max(0, remaining), reset_seconds: secondsOf(reset) });
  }
  return limits;
}

/** Seconds of a Go-style duration as `formatResetDuration` writes it (`250ms`, `1.5s`, `6m0s`, `1h0m0s`). */
function secondsOf(duration: string): number {
  let seconds = 0;
  for (const [, value, unit] of duration.matchAll(DURATION_PART)) {
    seconds += Number(value) * SECONDS_PER_UNIT[unit as keyof typeof SECONDS_PER_UNIT];
  }
  return Math.round(seconds * 1000) / 1000;
}
