import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from '@swc/core';
import { capMallocArenas } from './malloc-arenas';

describe('capMallocArenas', () => {
  it('sets M_ARENA_MAX through mallopt', () => {
    const calls: [number, number][] = [];
    const mallopt = (parameter: number, value: number) => {
      calls.push([parameter, value]);
      return 1;
    };
    expect(capMallocArenas(2, {}, mallopt)).toBe('capped');
    expect(calls).toEqual([[-8, 2]]);
  });

  it("leaves an operator's MALLOC_ARENA_MAX, and a libc without mallopt, alone", () => {
    const calls: number[] = [];
    const mallopt = (_parameter: number, value: number) => {
      calls.push(value);
      return 1;
    };
    expect(capMallocArenas(2, { MALLOC_ARENA_MAX: '4' }, mallopt)).toBe('environment');
    expect(calls).toEqual([]);
    expect(capMallocArenas(2, {}, null)).toBe('unavailable');
    expect(capMallocArenas(2, {}, () => 0)).toBe('unavailable');
  });

  const glibc = Boolean(
    (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
      ?.glibcVersionRuntime,
  );
  // glibc's own count, in a real process whose threads allocate at once: what the setting is for.
  (glibc ? it : it.skip)('keeps a process whose threads allocate concurrently to the cap (real glibc)', () => {
    expect(countArenas(2)).toBeLessThanOrEqual(2);
    // The control: without the cap the same threads get more, so the assertion above can fail.
    expect(countArenas(null)).toBeGreaterThan(2);
  });
});

/**
 * Arenas glibc reports (`malloc_stats`) after 6 worker threads compressed data, with `capMallocArenas(cap)`
 * first (null: not called).
 */
function countArenas(cap: number | null): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-arenas-'));
  try {
    for (const name of ['malloc-arenas', 'native-libc']) {
      const source = readFileSync(path.join(__dirname, `${name}.ts`), 'utf8');
      const { code } = transformSync(source, {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      writeFileSync(path.join(dir, `${name}.js`), code);
    }
    const script = `
      const { capMallocArenas } = require('./malloc-arenas.js');
      const cap = ${JSON.stringify(cap)};
      if (cap !== null && capMallocArenas(cap, {}) !== 'capped') throw new Error('not capped');
      const { Worker } = require('node:worker_threads');
      const work = "const z = require('node:zlib'); const b = require('node:crypto').randomBytes(1 << 19);" +
        'for (let i = 0; i < 10; i++) z.gzipSync(b);';
      const threads = Array.from({ length: 6 }, () => new Promise((done) => new Worker(work, { eval: true }).on('exit', done)));
      Promise.all(threads).then(() => require('koffi').load('libc.so.6').func('void malloc_stats(void)')());`;
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.resolve(__dirname, '../../../../node_modules') };
    delete env.MALLOC_ARENA_MAX;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: dir, env, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`the child failed: ${child.stderr}`);
    // malloc_stats writes to stderr.
    const { stderr } = child;
    return stderr.split('\n').filter((line) => /^Arena \d+:/.test(line)).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
