#!/usr/bin/env node
// The `voxgate` bin (package.json): runs the admin CLI compiled by `npm run build` into dist/, or says to build
// first, instead of the shell's bare "voxgate: not found" that a bin pointing into a missing dist/ gives.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const main = new URL('../dist/apps/cli/src/main.js', import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  process.stderr.write(
    'voxgate: the CLI is not built yet: run `npm run build` (or `npm start`) in the repository first.\n',
  );
  process.exitCode = 2;
}
