import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from '@swc/core';
import { LogLineBuffer } from './log-line-buffer';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function buffer(options: { maxBytes?: number } = {}) {
  const writes: string[] = [];
  let atExit: (() => void) | null = null;
  const lines = new LogLineBuffer(
    { write: (text) => writes.push(text) },
    { ...options, onExit: (flush) => (atExit = flush) },
  );
  return { lines, writes, exit: () => atExit?.() };
}

describe('LogLineBuffer', () => {
  it('writes the lines of one turn of the event loop in one write, in order, after the turn', async () => {
    const { lines, writes } = buffer();
    lines.push('a\n');
    await Promise.resolve();
    lines.push('b\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a\nb\n']);
    lines.push('c\n');
    await nextTurn();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('never puts more than maxBytes in one write (atomic on a pipe), and a longer line alone', async () => {
    const { lines, writes } = buffer({ maxBytes: 8 });
    lines.push('abc\n');
    lines.push('dé\n'); // 4 bytes: 8 in all, still one write
    expect(writes).toEqual([]);
    lines.push('f\n');
    expect(writes).toEqual(['abc\ndé\n']);
    lines.push('a line longer than 8\n');
    lines.push('g\n');
    await nextTurn();
    expect(writes).toEqual(['abc\ndé\n', 'f\n', 'a line longer than 8\n', 'g\n']);
  });

  it('writes what is pending on flush and from its exit hook, and nothing twice', async () => {
    const { lines, writes, exit } = buffer();
    lines.push('a\n');
    lines.flush();
    expect(writes).toEqual(['a\n']);
    lines.push('b\n');
    exit();
    expect(writes).toEqual(['a\n', 'b\n']);
    await nextTurn();
    exit();
    expect(writes).toEqual(['a\n', 'b\n']);
  });

  it.each([
    ['process.exit', 'process.exit(3);'],
    ['an uncaught exception', "throw new Error('crash');"],
    ['an unhandled rejection', "void Promise.reject(new Error('crash'));"],
  ])('keeps the lines of the turn that ended with %s (a real process)', (_name, ending) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-log-buffer-'));
    const source = readFileSync(path.join(__dirname, 'log-line-buffer.ts'), 'utf8');
    writeFileSync(
      path.join(dir, 'log-line-buffer.js'),
      transformSync(source, { jsc: { parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }).code,
    );
    const script = `const { LogLineBuffer } = require('./log-line-buffer.js');
      const lines = new LogLineBuffer(process.stdout);
      lines.push('first\\n');
      lines.push('second\\n');
      ${ending}`;
    let stdout: string;
    try {
      stdout = execFileSync(process.execPath, ['-e', script], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).toString();
    } catch (error) {
      stdout = String((error as { stdout: Buffer }).stdout);
    }
    expect(stdout).toBe('first\nsecond\n');
  });
});
