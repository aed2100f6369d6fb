import { GatewayError } from '@voxgate/openai-wire';
import type { ReserveOutcome } from './quota.repository';
import { formatResetDuration } from './quota-windows';

const LABELS = {
  requests_per_minute: ['requests per min (RPM)', 'requests'],
  tokens_per_minute: ['tokens per min (TPM)', 'tokens'],
  tokens_per_day: ['tokens per day (TPD)', 'tokens'],
  audio_seconds_per_day: ['audio seconds per day', 'audio_seconds'],
  concurrent_streams: ['concurrent streams', 'streams'],
  spend_per_month_usd_micros: ['spend per month', 'insufficient_quota'],
} as const;

/**
 * OpenAI's 429 for a refused request: `rate_limit_exceeded` naming the limit, its value, what is used and
 * what was requested, with `retry-after`; or `insufficient_quota` for a spent monthly budget, with
 * `x-should-retry: false` since waiting seconds will not help.
 */
export function quotaRefusal(
  outcome: ReserveOutcome,
  requested: number,
  rateLimitHeaders: Record<string, string>,
): GatewayError {
  const refusal = outcome.refusal;
  if (!refusal) throw new Error('quotaRefusal called for an admitted request');
  const [label, type] = LABELS[refusal.limit];
  const retryAfter = String(Math.max(1, Math.ceil(refusal.resetMs / 1000)));
  const who = refusal.scope === 'tenant' ? 'this tenant' : 'this API key';
  if (refusal.limit === 'spend_per_month_usd_micros') {
    return new GatewayError(
      429,
      'insufficient_quota',
      'insufficient_quota',
      `You exceeded the monthly spend limit of ${who} (${formatUsd(refusal.max)}; used ${formatUsd(refusal.used)}). It resets at the start of next month (UTC); ask your Voxgate operator to raise it.`,
      null,
      { ...rateLimitHeaders, 'retry-after': retryAfter, 'x-should-retry': 'false' },
    );
  }
  const shown = refusal.limit === 'audio_seconds_per_day' ? (n: number) => Math.ceil(n / 1000) : (n: number) => n;
  return new GatewayError(
    429,
    type,
    'rate_limit_exceeded',
    `Rate limit reached for ${label} on ${who}: Limit ${shown(refusal.max)}, Used ${shown(refusal.used)}, Requested ${shown(requested)}. Please try again in ${formatResetDuration(refusal.resetMs)}.`,
    null,
    { ...rateLimitHeaders, 'retry-after': retryAfter },
  );
}

function formatUsd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(2)}`;
}
