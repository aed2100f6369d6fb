/** Where a `LogLineBuffer` writes: `process.stdout` (synchronous for files and pipes on Linux). */
export interface LogSink {
  write(text: string): unknown;
}

export interface LogLineBufferOptions {
  /** Pending characters that trigger an immediate write (default 64 Ki): one burst never holds more. */
  readonly maxChars?: number;
  /**
   * Registers `flush` to run when the process exits (default: once on `process`'s `exit` event, which
   * Node emits for `process.exit`, for the end of the event loop, and for an uncaught exception or
   * unhandled rejection). Tests pass their own.
   */
  readonly onExit?: (flush: () => void) => void;
}

const DEFAULT_MAX_CHARS = 64 * 1024;

/**
 * Log lines joined and written once per turn of the event loop instead of one `write` (one syscall) each.
 *
 * Contract:
 * - `push` never writes by itself unless the pending text reaches `maxChars`; otherwise every line pushed
 *   during one turn of the event loop is written in one `write` in that turn's check phase (`setImmediate`),
 *   in the order pushed. Lines are therefore out by the time the next I/O callbacks run.
 * - `flush` writes what is pending at once (shutdown, before an error line goes to stderr, at exit).
 * - At process exit (`process.exit`, the loop running out, an uncaught exception or unhandled rejection)
 *   the pending lines are written by the exit hook. Only a death Node cannot run JavaScript for (SIGKILL,
 *   a native crash, `process.abort`) loses lines, and then at most the current turn's (bounded by
 *   `maxChars`).
 */
export class LogLineBuffer {
  private pending = '';
  private scheduled: NodeJS.Immediate | null = null;
  private readonly maxChars: number;
  private readonly flushNow = (): void => this.flush();

  constructor(
    private readonly sink: LogSink,
    options: LogLineBufferOptions = {},
  ) {
    this.maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    (options.onExit ?? onProcessExit)(this.flushNow);
  }

  /** Queues `line` (its newline included) for this turn's write. */
  push(line: string): void {
    this.pending += line;
    if (this.pending.length >= this.maxChars) this.flush();
    else this.scheduled ??= setImmediate(this.flushNow);
  }

  /** Writes everything pending now, in one `write`. */
  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.sink.write(text);
  }
}

/** One `exit` listener for every buffer of the process, however many loggers tests create. */
const exitFlushes = new Set<() => void>();
function onProcessExit(flush: () => void): void {
  if (exitFlushes.size === 0) process.once('exit', () => exitFlushes.forEach((each) => each()));
  exitFlushes.add(flush);
}
