import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Lets other callbacks run between slices of CPU work. Whole-buffer helpers call it every few milliseconds of
 * work so one large decode never holds the event loop.
 */
export function yieldToEventLoop(): Promise<void> {
  return nextTurn();
}

/** Budget of one synchronous slice, in milliseconds of CPU. */
export const SLICE_BUDGET_MS = 4;

/** Tracks elapsed time of a slice; `due()` is true once the budget is spent (then restarts the clock). */
export class SliceClock {
  private started = performance.now();

  due(): boolean {
    const now = performance.now();
    if (now - this.started < SLICE_BUDGET_MS) return false;
    this.started = now;
    return true;
  }

  /** Yields when the slice budget is spent. */
  async maybeYield(): Promise<void> {
    if (this.due()) {
      await yieldToEventLoop();
      this.started = performance.now();
    }
  }
}
