#!/usr/bin/env node
// Adds lockfile entries for platform-specific optional dependencies (e.g. @swc/core-darwin-arm64) that the
// registry mirror of this build environment does not serve. `npm install` silently skips such packages, and
// `npm ci` then refuses the lockfile as "out of sync". Each stub carries the package's os/cpu/libc, so npm
// never fetches it on a platform it does not match, and installs it as usual on one it does.
// Run after any dependency change: `node scripts/lockfile-foreign-optionals.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
// Short names some packages use for a platform (node-llama-cpp's `@node-llama-cpp/mac-arm64-metal`, `win-x64`).
const OS_ALIASES = { mac: 'darwin', win: 'win32' };
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${location}/${key}`]) continue;
    const tokens = name.split('/').pop().split('-');
    const os = OS.find((token) => tokens.includes(token)) ?? OS_ALIASES[tokens.find((token) => token in OS_ALIASES)];
    const cpu = CPU.find((token) => tokens.includes(token)) ?? (tokens.includes('arm') ? 'arm' : undefined);
    if (!os || !cpu) throw new Error(`cannot infer the platform of ${name}; add it by hand`);
    const libc =
      tokens.includes('musl') || tokens.includes('musleabihf')
        ? 'musl'
        : tokens.includes('gnu') || tokens.includes('gnueabihf')
          ? 'glibc'
          : undefined;
    lock.packages[key] = {
      version: range.replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile: ${added} platform-specific optional entries added`);
