/**
 * Lets at most one line through per `intervalMs` and counts the ones held back, so an error that repeats
 * in a loop (a worker that cannot reach Redis retries several times a second) cannot flood the log.
 * The next line that passes carries `suppressed`: how many were dropped since the last one.
 */
export class ThrottledLog {
  private lastAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `write` with the number of lines suppressed before this one, or drops this line. */
  write(write: (suppressed: number) => void): void {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    this.lastAt = now;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    write(suppressed);
  }
}
