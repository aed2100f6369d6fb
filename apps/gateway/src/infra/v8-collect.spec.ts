import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ModuleKind, transpileModule } from 'typescript';
import { v8Collector } from './v8-collect';

describe('v8Collector', () => {
  it('is available without --expose-gc; its full collection frees an unreachable old object', async () => {
    const collect = v8Collector();
    if (!collect) throw new Error('no collector');
    // Promoted first (two young collections), so only a full collection can free it.
    const target = new WeakRef(Array.from({ length: 1_000 }, (_, index) => ({ index })));
    await nextTurn();
    collect.young();
    collect.young();
    expect(target.deref()).toBeDefined();
    await nextTurn();
    collect.full();
    expect(target.deref()).toBeUndefined();
  });

  it('young collections leave optimized code alone; full ones in a quiet process deoptimize it', () => {
    // A function optimized for the shape of objects none of which are alive any more, as a request's
    // objects once the gateway went quiet; in a child process, with V8's natives to read its state.
    const dir = mkdtempSync(path.join(tmpdir(), 'v8-collect-'));
    const module = path.join(dir, 'v8-collect.js');
    const source = readFileSync(path.join(__dirname, 'v8-collect.ts'), 'utf8');
    writeFileSync(module, transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS } }).outputText);
    const script = `
      const { v8Collector } = require(${JSON.stringify(module)});
      const collect = v8Collector();
      function make(i) { const o = {}; o.alpha = i; o.beta = i + 1; return o; }
      function read(o) { return o.alpha + o.beta; }
      %PrepareFunctionForOptimization(read);
      for (let i = 0; i < 1000; i++) read(make(i));
      %OptimizeFunctionOnNextCall(read);
      read(make(1));
      const optimized = () => (%GetOptimizationStatus(read) & 16) !== 0;
      const seen = [optimized()];
      for (let i = 0; i < 6; i++) collect.young();
      seen.push(optimized());
      for (let i = 0; i < 4; i++) collect.full();
      seen.push(optimized());
      process.stdout.write(JSON.stringify(seen));
    `;
    try {
      const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual([true, true, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
