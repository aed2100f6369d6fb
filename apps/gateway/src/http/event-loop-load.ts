import { performance } from 'node:perf_hooks';

/** Cumulative time the event loop spent waiting for I/O (`idle`) and running callbacks (`active`), in ms. */
export interface LoopTimes {
  readonly idle: number;
  readonly active: number;
}

export interface EventLoopLoadOptions {
  /** The shortest window a reading covers (default 100 ms). */
  readonly windowMs?: number;
  /** `spare()` holds while the utilization is under this (default 0.75). */
  readonly spareBelow?: number;
  /** The loop's cumulative times (default: `performance.eventLoopUtilization()`); for tests. */
  readonly times?: () => LoopTimes;
  /** A monotonic clock in ms (default: `performance.now()`); for tests. */
  readonly now?: () => number;
}

/**
 * How busy this process's event loop has been lately: the share of the last window of at least `windowMs`
 * it spent running callbacks rather than waiting for I/O (`performance.eventLoopUtilization`), for choices
 * that trade CPU for latency (`SseOptions.firstEventsAtOnce`). Measured on the gateway: 0.001 idle, 0.55–0.70
 * for one client sending requests back to back, 0.85–1 for two or more saturating it.
 *
 * Read on demand, no timer: the window closes at the first read after `windowMs`, so after a quiet spell
 * the first reads of a burst see the quiet (for at most `windowMs`), and a long-idle process reads low.
 * The first window starts at construction (reads 0 until it closes).
 */
export class EventLoopLoad {
  private readonly windowMs: number;
  private readonly spareBelow: number;
  private readonly times: () => LoopTimes;
  private readonly now: () => number;
  private last: LoopTimes;
  private lastAtMs: number;
  private utilization = 0;

  constructor(options: EventLoopLoadOptions = {}) {
    this.windowMs = options.windowMs ?? 100;
    this.spareBelow = options.spareBelow ?? 0.75;
    this.times = options.times ?? (() => performance.eventLoopUtilization());
    this.now = options.now ?? (() => performance.now());
    this.last = this.times();
    this.lastAtMs = this.now();
  }

  /** The utilization (0–1) of the last window that closed. */
  recent(): number {
    const now = this.now();
    if (now - this.lastAtMs >= this.windowMs) {
      const current = this.times();
      const active = current.active - this.last.active;
      const total = active + current.idle - this.last.idle;
      this.utilization = total > 0 ? active / total : 0;
      this.last = current;
      this.lastAtMs = now;
    }
    return this.utilization;
  }

  /** True while the loop has had time to spare: its recent utilization is under `spareBelow`. */
  spare(): boolean {
    return this.recent() < this.spareBelow;
  }
}
