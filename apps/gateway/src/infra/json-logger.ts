import type { LoggerService } from '@nestjs/common';
import { type LogSink, LogLineBuffer } from './log-line-buffer';

type Level = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<Level, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Contexts of Nest's own start-up chatter (module wiring, one line per mapped route: about 70 lines before
 * `listening`). Their `log` calls are written at debug level, so `npm start` shows Voxgate's events; their
 * warnings and errors keep their level.
 */
const NEST_BOOT_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/**
 * One JSON object per line on stdout (errors on stderr), the format log shippers expect. Callers pass
 * structured fields, never request headers or bodies, so keys and audio cannot end up in logs.
 *
 * Lines on stdout are buffered for the current turn of the event loop (`LogLineBuffer`: one write per
 * turn, at most 4 KiB per write so that workers sharing a pipe never interleave; written at exit, also after
 * an uncaught exception). Error lines
 * are never delayed: what is pending on stdout is written first, then the error on stderr, synchronously.
 */
export class JsonLogger implements LoggerService {
  private redact: (line: string) => string = (line) => line;
  private readonly out: LogLineBuffer;
  private readonly minRank: number;

  constructor(
    minLevel: Level = 'info',
    private readonly streams: { stdout: LogSink; stderr: LogSink } = process,
  ) {
    this.minRank = RANK[minLevel];
    this.out = new LogLineBuffer({ write: (text) => this.streams.stdout.write(text) });
    survivesWriteErrors(streams.stdout);
    survivesWriteErrors(streams.stderr);
  }

  /**
   * From now on every line is passed through `redact` before it is written: the config's secrets never
   * reach a log, even inside an error message a library or a provider produced.
   */
  useRedactor(redactor: { redact(text: string): string }): void {
    this.redact = (line) => redactor.redact(line);
  }

  log(message: unknown, context?: string): void {
    this.write(context !== undefined && NEST_BOOT_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.write('error', message, context ?? stackOrContext);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  /**
   * Structured entry: `fields` are merged into the line after `level`, `time` and `msg` (a field of one of
   * those names takes its place, as a spread would). Fields whose value is `undefined` are left out.
   */
  event(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
    if (RANK[level] < this.minRank) return;
    const line = this.redact(lineOf(level, msg, fields)) + '\n';
    if (level !== 'error') return this.out.push(line);
    this.out.flush();
    this.streams.stderr.write(line);
  }

  /** Writes the stdout lines still buffered (shutdown; the exit hook does it too). */
  flush(): void {
    this.out.flush();
  }

  private write(level: Level, message: unknown, context: string | undefined): void {
    const fields = typeof message === 'object' && message !== null ? { ...message } : { msg: String(message) };
    this.event(level, 'msg' in fields ? String(fields.msg) : '', { ...fields, ...(context ? { context } : {}) });
  }
}

/**
 * The JSON text of one line. The fields are serialised as the object they came in (on the hot path a
 * literal of one shape, which V8 serialises fastest) and joined to the head, rather than spread into a new
 * object first.
 */
function lineOf(level: Level, msg: string, fields: Record<string, unknown>): string {
  const time = isoTime(Date.now());
  const rest = 'level' in fields || 'time' in fields || 'msg' in fields ? '' : JSON.stringify(fields);
  if (rest.charCodeAt(0) !== OPEN_BRACE) return JSON.stringify({ level, time, msg, ...fields });
  const head = `{"level":"${level}","time":"${time}","msg":${JSON.stringify(msg)}`;
  return rest.length > 2 ? `${head},${rest.slice(1)}` : `${head}}`;
}

const OPEN_BRACE = 0x7b;

let secondStartMs = Number.NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of the second that starts at `secondStartMs`. */
let secondText = '';

/** `new Date(ms).toISOString()`, with the text up to the second kept from the previous call of that second. */
export function isoTime(ms: number): string {
  const millis = ms - secondStartMs;
  if (!(millis >= 0 && millis < 1000)) {
    secondStartMs = Math.floor(ms / 1000) * 1000;
    const full = new Date(secondStartMs).toISOString();
    // A year outside 0000–9999 is written with a sign and six digits: leave that to `toISOString`.
    if (full.length !== 24) {
      secondStartMs = Number.NaN;
      return new Date(ms).toISOString();
    }
    secondText = full.slice(0, 20);
    return isoTime(ms);
  }
  return `${secondText}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

const guarded = new WeakSet<object>();

/**
 * A log stream whose reader went away (the log shipper or the pipe's other end died: `EPIPE`) emits
 * `error`, which, unhandled, would end the gateway and every request in it. The lines it cannot take are
 * lost (there is nowhere left to report that); serving goes on.
 */
function survivesWriteErrors(stream: LogSink): void {
  const emitter = stream as Partial<Pick<NodeJS.EventEmitter, 'on'>>;
  if (typeof emitter.on !== 'function' || guarded.has(stream)) return;
  guarded.add(stream);
  emitter.on.call(stream, 'error', () => undefined);
}
