/** Where a `LogLineBuffer` writes: `process.stdout` (synchronous for files and pipes on Linux). */
export interface LogSink {
  write(text: string): unknown;
}

export interface LogLineBufferOptions {
  /**
   * The most one `write` carries, in bytes (default 4096, Linux's `PIPE_BUF`): a write that size or smaller
   * to a pipe is atomic, so the lines of several processes sharing one stdout (cluster workers, a container's
   * log pipe) never interleave. A single longer line is written alone, as it was without buffering.
   */
  readonly maxBytes?: number;
  /**
   * Registers `flush` to run when the process exits (default: once on `process`'s `exit` event, which
   * Node emits for `process.exit`, for the end of the event loop, and for an uncaught exception or
   * unhandled rejection). Tests pass their own.
   */
  readonly onExit?: (flush: () => void) => void;
}

const DEFAULT_MAX_BYTES = 4096;

/**
 * Log lines joined and written once per turn of the event loop instead of one `write` (one syscall) each.
 *
 * Contract:
 * - Every line pushed during one turn of the event loop is written in that turn's check phase
 *   (`setImmediate`), in the order pushed, in as few `write`s as `maxBytes` allows (a line that would take
 *   the pending text past it first writes what is pending). Lines are therefore out by the time the next
 *   I/O callbacks run.
 * - `flush` writes what is pending at once (shutdown, before an error line goes to stderr, at exit).
 * - At process exit (`process.exit`, the loop running out, an uncaught exception or unhandled rejection)
 *   the pending lines are written by the exit hook. Only a death Node cannot run JavaScript for (SIGKILL,
 *   a native crash, `process.abort`) loses lines, and then at most the current turn's.
 */
export class LogLineBuffer {
  private pending = '';
  private pendingBytes = 0;
  private scheduled: NodeJS.Immediate | null = null;
  private readonly maxBytes: number;
  private readonly flushNow = (): void => this.flush();

  constructor(
    private readonly sink: LogSink,
    options: LogLineBufferOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    (options.onExit ?? onProcessExit)(this.flushNow);
  }

  /** Queues `line` (its newline included) for this turn's write. */
  push(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.pendingBytes + bytes > this.maxBytes) this.write();
    this.pending += line;
    this.pendingBytes += bytes;
    this.scheduled ??= setImmediate(this.flushNow);
  }

  /** Writes everything pending now, in one `write`. */
  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    this.write();
  }

  private write(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.pendingBytes = 0;
    this.sink.write(text);
  }
}

/** One `exit` listener for every buffer of the process, however many loggers tests create. */
const exitFlushes = new Set<() => void>();
function onProcessExit(flush: () => void): void {
  if (exitFlushes.size === 0) process.once('exit', () => exitFlushes.forEach((each) => each()));
  exitFlushes.add(flush);
}
