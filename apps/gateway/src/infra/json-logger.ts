import type { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';

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
 */
export class JsonLogger implements LoggerService {
  private redact: (line: string) => string = (line) => line;

  constructor(private readonly minLevel: Level = 'info') {}

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

  /** Structured entry: `fields` are merged into the line. */
  event(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled(level)) return;
    const line = this.redact(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields }));
    (level === 'error' ? process.stderr : process.stdout).write(line + '\n');
  }

  private write(level: Level, message: unknown, context: string | undefined): void {
    const fields = typeof message === 'object' && message !== null ? { ...message } : { msg: String(message) };
    this.event(level, 'msg' in fields ? String(fields.msg) : '', { ...fields, ...(context ? { context } : {}) });
  }

  private enabled(level: Level): boolean {
    const order: Level[] = ['debug', 'info', 'warn', 'error'];
    return order.indexOf(level) >= order.indexOf(this.minLevel);
  }
}
