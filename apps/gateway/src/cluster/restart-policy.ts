/** What the primary does about a worker that exited while the gateway was not shutting down. */
export type RestartDecision =
  | { readonly action: 'restart'; readonly delayMs: number }
  | { readonly action: 'give-up'; readonly bootFailures: number };

export interface RestartPolicyOptions {
  /** Workers dying before they served, in a row (any worker), after which the primary gives up (exit 1). */
  readonly bootFailuresBeforeGivingUp: number;
  /** First delay before forking again after a boot failure; doubles with each one in a row. */
  readonly bootBackoffMs: number;
  /** First delay before forking again after a worker that served died; doubles per crash in `crashWindowMs`. */
  readonly crashBackoffMs: number;
  /** Longest delay either way. */
  readonly maxBackoffMs: number;
  /** Crashes of serving workers older than this no longer lengthen the delay. */
  readonly crashWindowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  bootFailuresBeforeGivingUp: 5,
  bootBackoffMs: 500,
  crashBackoffMs: 100,
  maxBackoffMs: 10_000,
  crashWindowMs: 60_000,
};

/**
 * When to fork a worker again, and when to stop trying. Two cases, told apart by whether the worker ever
 * said it was ready:
 *
 * - it died at boot (a TLS file missing, the port taken, Redis's URL wrong): the next fork would most likely
 *   die the same way, so after `bootFailuresBeforeGivingUp` such deaths in a row (across all slots; any
 *   worker becoming ready resets the count) the primary gives up rather than fork forever;
 * - it died while serving (a native crash, out of memory, a bug): it is forked again, after a delay that
 *   doubles with each such crash in the last `crashWindowMs`, never giving up (the other workers still
 *   serve; an orchestrator watching `/readyz` sees the rest).
 *
 * Pure (the clock is injected), so the unit test drives it without timers.
 */
export class RestartPolicy {
  private bootFailuresInARow = 0;
  private crashTimes: number[] = [];

  constructor(
    private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** A worker said it was ready: the boot-failure count starts over. */
  ready(): void {
    this.bootFailuresInARow = 0;
  }

  /** A worker exited unexpectedly; `served`: it had said it was ready. */
  exited(served: boolean): RestartDecision {
    if (!served) {
      this.bootFailuresInARow += 1;
      if (this.bootFailuresInARow >= this.options.bootFailuresBeforeGivingUp)
        return { action: 'give-up', bootFailures: this.bootFailuresInARow };
      return { action: 'restart', delayMs: this.backoff(this.options.bootBackoffMs, this.bootFailuresInARow) };
    }
    const now = this.now();
    this.crashTimes = [...this.crashTimes.filter((time) => now - time < this.options.crashWindowMs), now];
    return { action: 'restart', delayMs: this.backoff(this.options.crashBackoffMs, this.crashTimes.length) };
  }

  private backoff(firstMs: number, nth: number): number {
    return Math.min(firstMs * 2 ** (nth - 1), this.options.maxBackoffMs);
  }
}
