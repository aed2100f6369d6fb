import path from 'node:path';

/** What a pool starts in each worker thread: a compiled JavaScript file, or source evaluated as CommonJS. */
export type WorkerScript = { readonly file: string } | { readonly code: string };

/**
 * The engine worker next to this file. Built code (`dist/…/engine.worker.js`) runs as is. Run from the
 * TypeScript sources (Jest, `ts` tooling), Node 20 cannot load `.ts` in a worker, so the worker first
 * installs a `.ts` require hook that transpiles with `@swc/core` (a dev dependency, the same transpiler
 * Jest uses here); production never takes that path.
 */
export function engineWorkerScript(): WorkerScript {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `engine.worker${extension}`);
  if (extension !== '.ts') return { file: entry };
  return {
    code: `
const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');
const entry = ${JSON.stringify(entry)};
const load = createRequire(entry);
const { transformSync } = load('@swc/core');
load.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
load(entry);
`,
  };
}
