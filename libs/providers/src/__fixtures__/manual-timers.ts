import type { Timers } from '../upstream-deadline';

interface Pending {
  readonly at: number;
  readonly callback: () => void;
}

/** `Timers` whose time only moves when a test calls `advance`: timeouts without waiting. */
export class ManualTimers implements Timers {
  /** Milliseconds since the start of the test. */
  private time = 0;
  private pending: Pending[] = [];
  /** How many timers were ever scheduled (cancelled or not). */
  scheduledInAll = 0;

  schedule(ms: number, callback: () => void): () => void {
    this.scheduledInAll++;
    const entry: Pending = { at: this.time + ms, callback };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((other) => other !== entry);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.pending.filter((entry) => entry.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.pending = this.pending.filter((other) => other !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = target;
  }

  now(): number {
    return this.time;
  }

  /** How many timers are scheduled and not cancelled. */
  get scheduled(): number {
    return this.pending.length;
  }
}
