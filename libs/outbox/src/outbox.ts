/**
 * How the outbox writes one entry. Must be idempotent: an entry is retried until `apply` resolves, and a
 * write that failed for the caller (a command timeout) may still have landed, so the same entry can reach
 * the store twice. Rejecting means "not written, keep it".
 */
export type OutboxWriter<T> = (entry: T) => Promise<void>;

/** Timers, injectable so tests drive retries without waiting. */
export interface OutboxScheduler {
  /** Calls `run` once after `ms`; returns a function that cancels it. */
  schedule(run: () => void, ms: number): () => void;
}

export interface OutboxOptions<T> {
  readonly write: OutboxWriter<T>;
  /** Entries kept at most; adding beyond it drops the oldest (`onDrop`). */
  readonly maxEntries: number;
  /** First retry delay after a failure; doubles per consecutive failure up to `maxRetryMs`. */
  readonly initialRetryMs: number;
  readonly maxRetryMs: number;
  readonly scheduler?: OutboxScheduler;
  /** An entry dropped because the outbox was full: log it loudly, it will not be written. */
  readonly onDrop?: (entry: T) => void;
  /** A retry round that failed (at most one call per round, not per entry). */
  readonly onRetryFailed?: (error: unknown, pending: number) => void;
}

/** Counters for metrics: entries kept now, written late, and lost to the bound since start. */
export interface OutboxStats {
  readonly pending: number;
  readonly written: number;
  readonly dropped: number;
}

export const timerScheduler: OutboxScheduler = {
  schedule(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * Write-behind buffer for writes that failed because the store was unavailable.
 *
 * - `add` keeps an entry and schedules a retry round; it never throws and never writes synchronously.
 * - A retry round writes the pending entries oldest first and stops at the first failure (the store is
 *   still down; later entries would fail the same way). Each failed round doubles the delay, from
 *   `initialRetryMs` to `maxRetryMs`; a round that writes everything resets it.
 * - Beyond `maxEntries` the oldest entry is dropped and reported through `onDrop`.
 * - `drain()` takes every pending entry out (to spill them to a file at shutdown) and stops retrying.
 */
export class Outbox<T> {
  private readonly entries: T[] = [];
  private readonly scheduler: OutboxScheduler;
  private cancelTimer: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private delayMs: number;
  private closed = false;
  private written = 0;
  private dropped = 0;

  constructor(private readonly options: OutboxOptions<T>) {
    this.scheduler = options.scheduler ?? timerScheduler;
    this.delayMs = options.initialRetryMs;
  }

  /** Keeps `entry` for a later write (the caller's own attempt just failed). */
  add(entry: T): void {
    if (this.closed) return;
    this.entries.push(entry);
    while (this.entries.length > this.options.maxEntries) {
      const oldest = this.entries.shift() as T;
      this.dropped += 1;
      this.options.onDrop?.(oldest);
    }
    this.scheduleRound();
  }

  stats(): OutboxStats {
    return { pending: this.entries.length, written: this.written, dropped: this.dropped };
  }

  /** Runs a retry round now (also used at start to replay spilled entries); resolves when it ends. */
  async flush(): Promise<void> {
    if (this.running) return this.running;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.running = this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops retrying and hands back what is still pending, oldest first (waits for a running round). */
  async drain(): Promise<T[]> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.running;
    return this.entries.splice(0);
  }

  private scheduleRound(): void {
    if (this.closed || this.cancelTimer || this.running) return;
    this.cancelTimer = this.scheduler.schedule(() => {
      this.cancelTimer = null;
      void this.flush();
    }, this.delayMs);
  }

  private async round(): Promise<void> {
    while (this.entries.length > 0) {
      const entry = this.entries[0] as T;
      try {
        await this.options.write(entry);
      } catch (error) {
        this.options.onRetryFailed?.(error, this.entries.length);
        this.delayMs = Math.min(this.delayMs * 2, this.options.maxRetryMs);
        this.running = null;
        this.scheduleRound();
        return;
      }
      // The entry may have been dropped by the bound while it was being written.
      if (this.entries[0] === entry) this.entries.shift();
      this.written += 1;
    }
    this.delayMs = this.options.initialRetryMs;
  }
}
