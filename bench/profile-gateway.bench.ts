/**
 * Where Voxgate's hot-path time goes (not a test): run with `npm run bench:profile`.
 *
 * The built gateway, set up as in `compare.bench.ts` (private Redis, minimal upstream, a tenant key, tenant
 * quotas, metering on), started under `node --cpu-prof`. It prints:
 *
 * 1. the Redis commands of one JSON request and of one streamed request, in order, as MONITOR shows them
 *    (`[lua]` marks a command run inside a script; each other line is one command the gateway sent);
 * 2. for each load window — sequential JSON and sequential streams (one request at a time), saturated JSON,
 *    saturated streams (autocannon, CONNECTIONS connections, SECONDS s) — the gateway's CPU profile
 *    restricted to that window (`BENCH_PROFILE_INTERVAL_US`, default 1000, sets V8's sampling interval):
 *    self time by package and by function, and inclusive time of the project's own functions.
 *
 * `BENCH_STREAM_PACE_MS` > 0 has the upstream send a stream's events that many ms apart (each a read of its
 * own for the gateway, as a model's tokens are): the streams window then profiles the per-read path.
 *
 * The raw `.cpuprofile` is kept (its path is printed) for Chrome DevTools or speedscope.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import {
  benchRequestBody,
  cpuTimes,
  saturatedLoad,
  setGenerousQuotas,
  startRedis,
  startUpstream,
} from './bench-processes';
import { printSummary, summariseProfile } from './cpu-profile-summary';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SEQUENTIAL = Number(process.env.BENCH_ROUNDS ?? 2000);
const STREAM_PACE_MS = Number(process.env.BENCH_STREAM_PACE_MS ?? 0);
/** V8's sampling interval (µs); finer than its default 1000 to see one sequential request's phases. */
const INTERVAL_US = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 1000);

/** V8's profile clock (monotonic, microseconds), as every process on the machine reads it. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** An argument as printed: bench key prefix dropped, ids named by kind (T tenant, K key, R request), cut short. */
function shown(arg: string): string {
  const plain = arg
    .replace(/^vgbench:[0-9a-f]+:/, '')
    .replace(/ten_[0-9a-f]+/g, 'T')
    .replace(/key_[0-9a-f]+/g, 'K')
    .replace(/req_[0-9a-f]+/g, 'R')
    .replace(/\b[0-9a-f]{16,}\b/g, 'ID');
  return plain.length > 48 ? `${plain.slice(0, 45)}…` : plain;
}

/** The commands Redis received while `action` ran, in order, one line each. */
async function monitored(url: string, action: () => Promise<unknown>): Promise<string[]> {
  const client = new Redis(url);
  const monitor = await client.monitor();
  const lines: string[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const [command, ...rest] = args;
    if (command?.toLowerCase() === 'info') return;
    // EVALSHA: the script's keys say which script it is; its other arguments are its values.
    const text = rest.map(shown).join(' ');
    lines.push(`${source === 'lua' ? '  [lua] ' : ''}${command?.toUpperCase() ?? ''} ${text}`);
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await action();
  await new Promise((resolve) => setTimeout(resolve, 500)); // what the request writes after answering
  monitor.disconnect();
  client.disconnect();
  return lines;
}

async function main(): Promise<void> {
  console.log(
    `Voxgate hot-path profile — node ${process.version}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)}\n`,
  );
  const redisServer = await startRedis();
  if (redisServer) process.env.REDIS_URL = redisServer.url;
  const { startBenchGateway, REDIS_URL } = await import('./bench-gateway.js');
  const upstream = await startUpstream(20, STREAM_PACE_MS);
  const profileDir = mkdtempSync(path.join(tmpdir(), 'voxgate-profile-'));
  const gateway = await startBenchGateway(
    upstream.url,
    {},
    {
      args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-interval=${INTERVAL_US}`],
    },
  );
  const windows: { title: string; from: number; to: number }[] = [];
  try {
    await setGenerousQuotas(gateway);
    const call = (stream: boolean) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json' },
        body: benchRequestBody(stream),
      }).then(async (response) => {
        const text = await response.text();
        if (response.status !== 200) throw new Error(`HTTP ${response.status} ${text}`);
      });
    await call(false);
    for (const stream of [false, true]) {
      const lines = await monitored(REDIS_URL, () => call(stream));
      console.log(`Redis commands of one ${stream ? 'streamed' : 'JSON'} request (${lines.length}):`);
      console.log(lines.map((line) => `   ${line}`).join('\n') + '\n');
    }

    for (let i = 0; i < 300; i++) await call(false); // warm-up, outside every window
    const perRequest = (before: { user: number; system: number }, requests: number) => {
      const now = cpuTimes(gateway.pid);
      const user = (now.user - before.user) / requests;
      const system = (now.system - before.system) / requests;
      return `CPU/request ${(user + system).toFixed(3)} ms = user ${user.toFixed(3)} + system ${system.toFixed(3)}`;
    };
    let from = 0;
    let cpu = cpuTimes(gateway.pid);
    for (const stream of [false, true]) {
      from = nowUs();
      cpu = cpuTimes(gateway.pid);
      for (let i = 0; i < SEQUENTIAL; i++) await call(stream);
      windows.push({
        title: `sequential ${stream ? 'streams' : 'JSON'}, ${SEQUENTIAL} requests (${perRequest(cpu, SEQUENTIAL)})`,
        from,
        to: nowUs(),
      });
    }
    for (const stream of [false, true]) {
      from = nowUs();
      cpu = cpuTimes(gateway.pid);
      const result = await saturatedLoad(
        `${gateway.url}/v1/chat/completions`,
        { authorization: `Bearer ${gateway.key}` },
        stream,
        SECONDS,
        CONNECTIONS,
      );
      windows.push({
        title:
          `saturated ${stream ? 'streams' : 'JSON'}, ${CONNECTIONS} connections × ${SECONDS} s ` +
          `(${result.requests.average} req/s, ${perRequest(cpu, result.requests.total)}, ` +
          `${result.non2xx + result.errors} errors)`,
        from,
        to: nowUs(),
      });
    }
  } finally {
    await gateway.stop();
    upstream.child.kill('SIGTERM');
  }
  // The profile is written when the gateway has exited.
  let file: string | undefined;
  for (let waited = 0; waited < 30_000 && !file; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // let V8 finish writing it
  redisServer?.child.kill('SIGTERM');
  if (!file || !existsSync(path.join(profileDir, file))) throw new Error(`no profile written to ${profileDir}`);
  const profile = path.join(profileDir, file);
  for (const window of windows) printSummary(window.title, summariseProfile(profile, window.from, window.to));
  console.log(`profile: ${profile}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
