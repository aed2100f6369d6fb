/**
 * Portkey's open-source gateway as the peer of `npm run bench:compare`: installed at bench time from the npm
 * registry into a temporary folder (the project's lockfile stays out of it), started as its own Node process
 * on loopback, in front of the bench's minimal upstream.
 *
 * Start-up details (Portkey-AI/gateway 1.15.2, `build/start-server.js`):
 * - it takes `--port=<n>` and `--headless` (no log UI), and serves through `@hono/node-server`'s `serve()`
 *   without a hostname, i.e. on every interface: the launcher below forces `127.0.0.1` on `net.Server#listen`;
 * - `serve()` replaces the global `Response` with Hono's lightweight one, and with `@hono/node-server` newer
 *   than 1.14.2 (what a fresh install resolves) Portkey then appends headers to a `Response` whose headers are
 *   immutable ("TypeError: immutable", Portkey issues #1389 and #1550): the launcher restores Node's native
 *   `Response` once the server is up, before any request.
 * Portkey routes a request by its `x-portkey-provider: openai` and `x-portkey-custom-host: <base URL>` headers
 * and forwards `Authorization` as the provider key; it keeps no state (no auth, quota or metering of its own).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './bench-processes';

export const PORTKEY_VERSION = '1.15.2';

/** A running Portkey: its base URL (with `/v1`), the headers that route a request to the upstream, its pid. */
export interface PortkeyPeer {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly pid: number;
  stop(): void;
}

const LAUNCHER = `
import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  // serve() passes (port, callback?): bind loopback only.
  if (typeof args[0] === 'number') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
const NativeResponse = globalThis.Response;
const [entry, port] = process.argv.slice(2);
process.argv.splice(2, 2, '--port=' + port, '--headless');
await import(entry);
Object.defineProperty(globalThis, 'Response', { value: NativeResponse, writable: true, configurable: true });
console.log('PORTKEY_READY');
`;

/** Installs `@portkey-ai/gateway@PORTKEY_VERSION` under `folder` unless it is already there; returns its entry. */
export function installPortkey(folder = path.join(tmpdir(), `voxgate-bench-portkey-${PORTKEY_VERSION}`)): string {
  const entry = path.join(folder, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (existsSync(entry)) return entry;
  mkdirSync(folder, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['install', '--prefix', folder, `@portkey-ai/gateway@${PORTKEY_VERSION}`, '--no-save', '--no-audit', '--no-fund'],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
  );
  if (result.status !== 0 || !existsSync(entry)) throw new Error(`npm install @portkey-ai/gateway failed`);
  return entry;
}

/**
 * Starts Portkey (installing it first if needed) in front of `upstreamUrl` (an OpenAI base URL with `/v1`),
 * with `env` added to its environment.
 */
export async function startPortkey(
  upstreamUrl: string,
  env: Readonly<Record<string, string>> = {},
): Promise<PortkeyPeer> {
  const entry = installPortkey();
  const launcher = path.join(path.dirname(entry), '../../../../voxgate-launch.mjs');
  writeFileSync(launcher, LAUNCHER);
  const port = await freePort();
  const child = spawn(process.execPath, [launcher, entry, String(port)], {
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const collect = (data: Buffer) => (output += data.toString());
  child.stdout.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => output.includes('PORTKEY_READY') && resolve());
    child.once('exit', (code) => reject(new Error(`portkey exited (${code}):\n${output}`)));
  });
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamUrl },
    pid: child.pid!,
    stop: () => child.kill('SIGTERM'),
  };
}
