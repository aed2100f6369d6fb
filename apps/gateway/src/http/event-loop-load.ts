import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/**
 * How busy this process's event loop has been lately: the share of the last window of at least `windowMs`
 * it spent running callbacks rather than waiting for I/O (`performance.eventLoopUtilization`), for choices
 * that trade CPU for latency (`SseOptions.firstEventsAtOnce`). Measured here: one client sending requests
 * back to back keeps the gateway at 0.55–0.70, two or more saturating it at 0.85–1.
 *
 * Read on demand, no timer: the window closes at the first read after `windowMs`, so after a quiet spell
 * the first reads of a burst see the quiet (at most `windowMs` of them), and a long-idle process reads 0.
 */
export class EventLoopLoad {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private lastAtMs = performance.now();
  private utilization = 0;

  /**
   * @param windowMs the shortest window a reading covers.
   * @param spareBelow `spare()` holds while the utilization is under this.
   */
  constructor(
    private readonly windowMs = 100,
    private readonly spareBelow = 0.75,
  ) {}

  /** The utilization (0–1) of the last window that closed. */
  recent(): number {
    const now = performance.now();
    if (now - this.lastAtMs >= this.windowMs) {
      const current = performance.eventLoopUtilization();
      this.utilization = performance.eventLoopUtilization(current, this.last).utilization;
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
