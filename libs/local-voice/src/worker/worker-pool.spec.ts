import { LocalVoiceError } from '../local-voice.error';
import { WorkerPool } from './worker-pool';

// A protocol-speaking worker under test control: `echo` answers, `progress` reports twice first, `exit`
// kills the thread, `hang` busy-waits like a long native call, `fail` replies with a typed error.
const SCRIPT = {
  code: `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', ({ id, job }) => {
  if (job.kind === 'exit') process.exit(3);
  if (job.kind === 'hang') { const until = Date.now() + job.ms; while (Date.now() < until); }
  if (job.kind === 'fail') return parentPort.postMessage({ id, type: 'error', error: { code: 'engine_failed', message: 'boom' } });
  if (job.kind === 'progress') for (const step of [1, 2]) parentPort.postMessage({ id, type: 'progress', progress: step });
  parentPort.postMessage({ id, type: 'done', result: { echo: job.value, threadId } });
});
`,
};

type Job = { kind: 'echo' | 'progress' | 'exit' | 'fail'; value?: string } | { kind: 'hang'; ms: number };
type Result = { echo: string; threadId: number };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof LocalVoiceError ? error.code : `untyped: ${String(error)}`),
  );
}

describe('WorkerPool', () => {
  let pool: WorkerPool<Job, Result, number>;
  beforeEach(() => {
    pool = new WorkerPool<Job, Result, number>({ size: 2, script: SCRIPT });
  });
  afterEach(() => pool.close());

  it('runs jobs on at most `size` threads and passes progress before the result', async () => {
    const progress: number[] = [];
    const results = await Promise.all([
      pool.run({ kind: 'progress', value: 'a' }, { timeoutMs: 5_000, onProgress: (step) => progress.push(step) }),
      pool.run({ kind: 'echo', value: 'b' }, { timeoutMs: 5_000 }),
      pool.run({ kind: 'echo', value: 'c' }, { timeoutMs: 5_000 }),
    ]);
    expect(results.map((result) => result.echo)).toEqual(['a', 'b', 'c']);
    expect(progress).toEqual([1, 2]);
    expect(new Set(results.map((result) => result.threadId)).size).toBeLessThanOrEqual(2);
    expect(pool.stats).toMatchObject({ workers: 2, busy: 0, queued: 0, replaced: 0 });
  });

  it('fails a call whose worker dies with worker_crashed, and replaces the worker', async () => {
    const first = await pool.run({ kind: 'echo', value: 'x' }, { timeoutMs: 5_000 });
    expect(await codeOf(pool.run({ kind: 'exit' }, { timeoutMs: 5_000 }))).toBe('worker_crashed');
    const after = await pool.run({ kind: 'echo', value: 'y' }, { timeoutMs: 5_000 });
    expect(after.echo).toBe('y');
    expect(pool.stats.replaced).toBe(1);
    expect(first.threadId).toBeGreaterThan(0);
  });

  it('times out a busy call, replaces its worker, and times out queued calls without a worker', async () => {
    const single = new WorkerPool<Job, Result, number>({ size: 1, script: SCRIPT });
    try {
      const started = Date.now();
      const hung = codeOf(single.run({ kind: 'hang', ms: 3_000 }, { timeoutMs: 200 }));
      const queued = codeOf(single.run({ kind: 'echo', value: 'q' }, { timeoutMs: 100 }));
      expect(await queued).toBe('timeout');
      expect(await hung).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await single.run({ kind: 'echo', value: 'next' }, { timeoutMs: 5_000 })).echo).toBe('next');
      expect(single.stats.replaced).toBe(1);
    } finally {
      await single.close();
    }
  });

  it('aborts queued and running calls with aborted', async () => {
    const controller = new AbortController();
    const running = codeOf(pool.run({ kind: 'hang', ms: 3_000 }, { timeoutMs: 10_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await running).toBe('aborted');
    expect(await codeOf(pool.run({ kind: 'echo' }, { timeoutMs: 1_000, signal: AbortSignal.abort() }))).toBe('aborted');
    expect(pool.stats.replaced).toBe(1);
  });

  it('passes typed errors from the worker through, and rejects everything after close', async () => {
    expect(await codeOf(pool.run({ kind: 'fail' }, { timeoutMs: 5_000 }))).toBe('engine_failed');
    await pool.close();
    expect(await codeOf(pool.run({ kind: 'echo' }, { timeoutMs: 5_000 }))).toBe('engine_unavailable');
  });

  it('rejects a pool size that is not a positive integer', () => {
    expect(() => new WorkerPool({ size: 0, script: SCRIPT })).toThrow(LocalVoiceError);
  });
});
