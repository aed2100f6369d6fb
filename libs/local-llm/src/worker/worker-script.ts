import path from 'node:path';

/** What `GgufTextModel` starts its worker thread with: a compiled file, or CommonJS source to evaluate. */
export type WorkerScript = { readonly file: string } | { readonly code: string };

/**
 * The llama worker next to this file. Built code (`dist/…/llama.worker.js`) runs as is. From the
 * TypeScript sources (Jest), Node 20 cannot load `.ts` in a worker, so the worker first installs a `.ts`
 * require hook that transpiles with `@swc/core` (a dev dependency, the transpiler Jest uses here), as
 * `@voxgate/local-voice` does; production never takes that path.
 */
export function llamaWorkerScript(): WorkerScript {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `llama.worker${extension}`);
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
