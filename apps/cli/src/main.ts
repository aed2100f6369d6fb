#!/usr/bin/env node
import { runCli } from './cli';

/**
 * `voxgate`: the admin CLI (package.json `bin`; run `npx voxgate --help` in a clone after
 * `npm ci && npm run build`). Plain Node: no Nest, no lib imports, so it starts in a few milliseconds.
 */
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  fetch: globalThis.fetch,
}).then((code) => {
  process.exitCode = code;
});
