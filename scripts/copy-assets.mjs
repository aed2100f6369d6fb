#!/usr/bin/env node
// Copies the non-TypeScript files the built code reads at run time (Lua scripts next to their
// repositories, ONNX models such as libs/local-voice/assets/silero_vad.onnx, the playground's static files
// in apps/gateway/src/playground/assets/) from libs/ and apps/ into dist/ (or the directory given), keeping their paths.
import { cpSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ASSET = /\.(lua|onnx)$/;
// Browser files served as they are (no build step): everything in a folder named `assets`.
const STATIC = /(^|[\\/])assets[\\/][^\\/]+\.(html|js|css)$/;
// Output root: `dist` (the build) or another tsc outDir given as the first argument (benchmarks).
const OUT = process.argv[2] ?? 'dist';
let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name === 'node_modules' || name === '__fixtures__') continue;
    if (statSync(file).isDirectory()) walk(file);
    else if (ASSET.test(name) || STATIC.test(file)) {
      cpSync(file, path.join(OUT, file));
      copied++;
    }
  }
}
walk('libs');
walk('apps');
console.log(`copy-assets: ${copied} files`);
