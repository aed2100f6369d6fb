/** `closed`: calls flow. `open`: calls are refused at once. `half_open`: one probe call is let through. */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  /** The failures must all fall within this many ms of the first; an older streak starts over. */
  readonly windowMs: number;
  /** How long the breaker stays open before it lets one probe through. */
  readonly cooldownMs: number;
}

/**
 * One provider's circuit breaker, process-local (each replica learns on its own, which needs no shared
 * state and reacts within `failureThreshold` calls anyway).
 *
 * Callers ask `tryAcquire()` before a call and, if allowed, report exactly one of `success()`,
 * `failure()` or `release()` (the call ended in a way that says nothing about the provider, e.g. the
 * client went away). While open, `tryAcquire` is false until `cooldownMs` passed; then the breaker is
 * half-open and lets one call through (the probe) while refusing others until it reports: success
 * closes the breaker, failure opens it again for another cool-down, release frees the probe slot.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private streakStartedAt = 0;
  private openedAt = 0;
  private probing = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number,
    /** Told about every state change (logs, metrics). Must not throw. */
    private readonly onChange: (from: BreakerState, to: BreakerState) => void = () => undefined,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a call may go ahead now; when true, the caller must report how it went. */
  tryAcquire(): boolean {
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.settings.cooldownMs) return false;
      this.move('half_open');
    }
    if (this.current === 'half_open') {
      if (this.probing) return false;
      this.probing = true;
    }
    return true;
  }

  success(): void {
    this.probing = false;
    this.failures = 0;
    if (this.current !== 'closed') this.move('closed');
  }

  failure(): void {
    const now = this.now();
    if (this.current === 'half_open') {
      this.probing = false;
      this.open(now);
      return;
    }
    if (this.current === 'open') return;
    if (this.failures === 0 || now - this.streakStartedAt > this.settings.windowMs) {
      this.failures = 0;
      this.streakStartedAt = now;
    }
    this.failures++;
    if (this.failures >= this.settings.failureThreshold) this.open(now);
  }

  release(): void {
    this.probing = false;
  }

  private open(now: number): void {
    this.openedAt = now;
    this.failures = 0;
    this.move('open');
  }

  private move(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.onChange(from, to);
  }
}
