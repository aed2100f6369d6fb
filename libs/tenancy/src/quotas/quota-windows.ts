/**
 * Fixed, UTC-aligned windows: minute, day, calendar month. A reservation remembers the windows it was
 * counted in, so settling after a rollover corrects the right counters.
 */
export interface QuotaWindows {
  readonly minute: number;
  readonly day: number;
  /** `YYYYMM`. */
  readonly month: number;
  readonly msToMinuteEnd: number;
  readonly msToDayEnd: number;
  readonly msToMonthEnd: number;
}

export function windowsAt(nowMs: number): QuotaWindows {
  const date = new Date(nowMs);
  const minute = Math.floor(nowMs / 60_000);
  const day = Math.floor(nowMs / 86_400_000);
  const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return {
    minute,
    day,
    month: date.getUTCFullYear() * 100 + date.getUTCMonth() + 1,
    msToMinuteEnd: (minute + 1) * 60_000 - nowMs,
    msToDayEnd: (day + 1) * 86_400_000 - nowMs,
    msToMonthEnd: monthEnd - nowMs,
  };
}

/** Go-style duration, as OpenAI writes `x-ratelimit-reset-*`: `250ms`, `1.5s`, `6m0s`, `1h0m0s`. */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}
