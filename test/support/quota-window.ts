/**
 * Quotas count requests and tokens per fixed UTC minute (`requests_per_minute`, `tokens_per_minute`): a
 * test that expects a burst to hit a per-minute limit must send the whole burst inside one minute, or the
 * window turns over between two requests and the second one is admitted. Waits for the next minute when
 * less than `marginMs` of the current one is left.
 */
export async function awayFromMinuteBoundary(marginMs = 10_000): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - marginMs) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}
