import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from '@swc/core';
import { isoTime, JsonLogger } from './json-logger';

type Level = ConstructorParameters<typeof JsonLogger>[0];

/** A logger writing to arrays: each entry is one `write` call's text. */
function loggerWithStreams(level: Level = 'info') {
  const writes = { stdout: [] as string[], stderr: [] as string[] };
  const logger = new JsonLogger(level, {
    stdout: { write: (text: string) => writes.stdout.push(text) },
    stderr: { write: (text: string) => writes.stderr.push(text) },
  });
  return { logger, writes };
}

const linesOf = (writes: string[]): unknown[] =>
  writes.flatMap((text) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown),
  );

/** The lines `run` logged, once they were flushed. */
function capture(run: (logger: JsonLogger) => void, level: Level = 'info'): { stdout: unknown[]; stderr: unknown[] } {
  const { logger, writes } = loggerWithStreams(level);
  run(logger);
  logger.flush();
  return { stdout: linesOf(writes.stdout), stderr: linesOf(writes.stderr) };
}

describe('JsonLogger', () => {
  it("writes Nest's start-up lines (module wiring, route mapping) at debug level only", () => {
    const boot = (logger: JsonLogger) => {
      logger.log('Starting Nest application...', 'NestFactory');
      logger.log('AppModule dependencies initialized', 'InstanceLoader');
      logger.log('ModelsController {/v1/models}:', 'RoutesResolver');
      logger.log('Mapped {/v1/models, GET} route', 'RouterExplorer');
      logger.log('Nest application successfully started', 'NestApplication');
    };
    expect(capture(boot, 'info').stdout).toEqual([]);
    const debug = capture(boot, 'debug').stdout;
    expect(debug).toHaveLength(5);
    expect(debug[3]).toMatchObject({
      level: 'debug',
      msg: 'Mapped {/v1/models, GET} route',
      context: 'RouterExplorer',
    });
  });

  it('keeps other log lines, and Nest warnings and errors, at their level', () => {
    const { stdout, stderr } = capture((logger) => {
      logger.log('batch worker started', 'BatchRuntime');
      logger.log({ msg: 'structured', id: 1 });
      logger.warn('deprecated option', 'NestApplication');
      logger.error('boom', 'stack', 'RouterExplorer');
      logger.event('info', 'listening', { url: 'http://127.0.0.1:8080' });
    });
    expect(stdout).toEqual([
      expect.objectContaining({ level: 'info', msg: 'batch worker started', context: 'BatchRuntime' }),
      expect.objectContaining({ level: 'info', msg: 'structured', id: 1 }),
      expect.objectContaining({ level: 'warn', msg: 'deprecated option', context: 'NestApplication' }),
      expect.objectContaining({ level: 'info', msg: 'listening', url: 'http://127.0.0.1:8080' }),
    ]);
    expect(stderr).toEqual([expect.objectContaining({ level: 'error', msg: 'boom', context: 'RouterExplorer' })]);
  });

  it("writes one turn's lines in one write, after the turn", async () => {
    const { logger, writes } = loggerWithStreams();
    logger.event('info', 'one');
    logger.event('warn', 'two');
    expect(writes.stdout).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes.stdout).toHaveLength(1);
    expect(linesOf(writes.stdout)).toEqual([
      expect.objectContaining({ level: 'info', msg: 'one' }),
      expect.objectContaining({ level: 'warn', msg: 'two' }),
    ]);
  });

  it('writes each event as the object a spread of its fields after level, time and msg would give', () => {
    const events: [string, Record<string, unknown>][] = [
      ['plain', { requestId: 'req_1', status: 200, usage: null, nested: { a: [1, 'x'] } }],
      ['undefined fields are left out', { kept: 1, error: undefined, durationMs: undefined }],
      ['no fields', {}],
      ['only undefined', { gone: undefined }],
      ['a field named msg wins', { msg: 'from the fields', id: 2 }],
      ['a field named level or time wins', { level: 'custom', time: 'then' }],
      ['quotes "and" \\ escapes\n', { text: 'line\nbreak "quoted" \u2028' }],
    ];
    const { logger, writes } = loggerWithStreams();
    for (const [msg, fields] of events) logger.event('info', msg, fields);
    logger.flush();
    const raw = writes.stdout
      .join('')
      .split('\n')
      .filter((line) => line !== '');
    // Each line as written is the canonical text of what it parses to: no key written twice.
    for (const line of raw) expect(JSON.stringify(JSON.parse(line))).toBe(line);
    const stdout = linesOf(writes.stdout);
    expect(stdout).toHaveLength(events.length);
    events.forEach(([msg, fields], index) => {
      const line = stdout[index] as Record<string, unknown>;
      const expected = JSON.parse(JSON.stringify({ level: 'info', time: line.time, msg, ...fields })) as unknown;
      expect(line).toEqual(expected);
      expect(Object.keys(line)).toEqual(Object.keys(expected as object));
      expect(typeof line.time).toBe('string');
    });
    expect((stdout[0] as { time: string }).time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('writes times as toISOString does, across seconds, going back in time, and outside years 0–9999', () => {
    const times = [0, 1, 999, 1000, 1_700_000_000_000, 1_700_000_000_999, 1_700_000_001_000, 1_699_999_999_999];
    times.push(-1, -1000, -62_198_755_200_001, 253_402_300_799_999, 253_402_300_800_000, 8.64e15);
    const random = (n: number) => Math.floor(Math.random() * n);
    for (let i = 0; i < 2_000; i++) {
      const ms = 1_600_000_000_000 + random(400_000_000_000);
      times.push(ms, ms + random(3), ms - random(3));
    }
    for (const ms of times) expect([ms, isoTime(ms)]).toEqual([ms, new Date(ms).toISOString()]);
  });

  it('writes the pending stdout lines before an error line, and the error at once', () => {
    const { logger, writes } = loggerWithStreams();
    const order: string[] = [];
    const stdout = writes.stdout;
    const stderr = writes.stderr;
    logger.event('info', 'before');
    stdout.push = (...texts: string[]) => order.push('stdout') && Array.prototype.push.apply(stdout, texts);
    stderr.push = (...texts: string[]) => order.push('stderr') && Array.prototype.push.apply(stderr, texts);
    logger.event('error', 'failed');
    expect(order).toEqual(['stdout', 'stderr']);
    expect(linesOf(stdout)).toEqual([expect.objectContaining({ msg: 'before' })]);
    expect(linesOf(stderr)).toEqual([expect.objectContaining({ level: 'error', msg: 'failed' })]);
  });
});

describe('JsonLogger when its reader is gone (a real process)', () => {
  it('keeps the process running when stdout and stderr are closed pipes (EPIPE), instead of crashing on the error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-json-logger-'));
    for (const file of ['json-logger', 'log-line-buffer']) {
      const source = readFileSync(path.join(__dirname, `${file}.ts`), 'utf8');
      writeFileSync(
        path.join(dir, `${file}.js`),
        transformSync(source, { jsc: { parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }).code,
      );
    }
    // Logs for a while after the parent closed both pipes, then says so in a file and exits 0.
    const script = `const { JsonLogger } = require('./json-logger.js');
      const logger = new JsonLogger('info');
      let turns = 0;
      const timer = setInterval(() => {
        logger.event('info', 'still.here', { turns });
        logger.event('error', 'an.error', { turns });
        if (++turns === 20) {
          clearInterval(timer);
          require('node:fs').writeFileSync('alive', String(turns));
          process.exit(0);
        }
      }, 10);`;
    const child = spawn(process.execPath, ['-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    child.stderr.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(readFileSync(path.join(dir, 'alive'), 'utf8')).toBe('20');
  });
});
