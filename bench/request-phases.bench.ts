/**
 * Where one quiet request's time goes, warm and cold (not a test): run with `npm run bench:phases`.
 *
 * The built gateway (private Redis, minimal upstream, one tenant with generous quotas, metering on, as in
 * `compare.bench.ts`) runs with `phase-probe.js` preloaded, which times every socket write and read of each
 * request from Node's `request` event. BENCH_ROUNDS requests of each kind (JSON, stream) go to it one at a
 * time, in two regimes:
 *
 * - back to back: the next request as soon as the answer is read, so the gateway's code and data stay in
 *   the CPU's caches;
 * - after BENCH_GAP_MS (5) of idle between requests, the whole machine with the client: each request meets
 *   a cold core, as every Voxgate request does in `bench:compare`, where it is interleaved with three
 *   other targets.
 *
 * It prints, per kind, the client's p50 / p99 for a direct call, the bare proxy (the floor) and Voxgate in
 * both regimes (the same regime for all three, one target after the other), then the gateway's events:
 * median µs from the request to each socket write and read, and how long each write call took (a write
 * that wakes another process is costly on a VM). What to read: how much longer every phase takes cold,
 * and which writes lie between the request and its answer.
 */
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { PhaseRow } from './phase-probe';
import {
  benchRequestBody,
  saturatedLoad,
  setGenerousQuotas,
  startBareProxy,
  startRedis,
  startUpstream,
} from './bench-processes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1500);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 5);
/**
 * Seconds of saturated load of each kind (32 connections) the floor and the gateway get first, as in
 * `compare.bench.ts`: V8 compiles the gateway's path over its first few thousand requests, and without it
 * the warm regime would time a process still compiling (the first 100 requests of each series are also
 * left out). 0: none.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const KINDS = ['json', 'stream'] as const;
type Kind = (typeof KINDS)[number];
const REGIMES = [
  { name: 'back to back', gapMs: 0 },
  { name: `after ${GAP_MS} ms idle`, gapMs: GAP_MS },
] as const;

/** ms to the first body byte (streams) or to the end (JSON) of one request on `agent`'s connection. */
function timeOne(url: string, headers: Record<string, string>, agent: Agent, kind: Kind): Promise<number> {
  const payload = benchRequestBody(kind === 'stream');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstByte = NaN;
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        response.on('data', () => {
          if (Number.isNaN(firstByte)) firstByte = performance.now() - start;
        });
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`${url}: HTTP ${response.statusCode}`));
          else resolve(kind === 'stream' ? firstByte : performance.now() - start);
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** ROUNDS requests one at a time, `gapMs` apart: their latencies in ms. */
async function series(url: string, headers: Record<string, string>, kind: Kind, gapMs: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      times.push(await timeOne(url, headers, agent, kind));
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  } finally {
    agent.destroy();
  }
  return times.slice(100); // the first 100 warm up
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const latency = (times: readonly number[]) =>
  `${quantile(times, 0.5).toFixed(2).padStart(6)} ${quantile(times, 0.99).toFixed(2).padStart(6)}`;

async function main(): Promise<void> {
  const redisServer = await startRedis();
  if (redisServer) process.env.REDIS_URL = redisServer.url;
  // Imported once REDIS_URL names the private Redis: the module reads it when loaded.
  const { startBenchGateway, REDIS_URL } = await import('./bench-gateway.js');
  const upstream = await startUpstream(20);
  const proxy = await startBareProxy(upstream.url);
  const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-phases-'));
  const probeOut = path.join(dir, 'phases.json');
  const gateway = await startBenchGateway(
    upstream.url,
    {},
    {
      args: ['--require', path.join(__dirname, 'phase-probe.js')],
      env: { PHASE_PROBE_OUT: probeOut, PHASE_PROBE_REDIS_PORT: new URL(REDIS_URL).port || '6379' },
    },
  );
  try {
    await setGenerousQuotas(gateway);
    const auth = { authorization: `Bearer ${gateway.key}` };
    if (WARMUP_SECONDS > 0) {
      for (const stream of [false, true]) {
        await saturatedLoad(
          `${proxy.url}/chat/completions`,
          { authorization: 'Bearer sk-floor' },
          stream,
          WARMUP_SECONDS,
          32,
        );
        await saturatedLoad(`${gateway.url}/v1/chat/completions`, auth, stream, WARMUP_SECONDS, 32);
      }
      // The probe's records of the warm-up (concurrent requests, not phases of one) are dropped.
      process.kill(gateway.pid, 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const [cpu] = loadavg();
    console.log(`${ROUNDS} requests per kind, target and regime, one at a time; load average ${cpu?.toFixed(2)}`);
    for (const kind of KINDS) {
      const what = kind === 'stream' ? 'stream, first byte' : 'JSON, whole answer';
      console.log(`\n${what}: client p50 p99 (ms)`);
      const phases: Map<string, PhaseRow>[] = [];
      for (const { name, gapMs } of REGIMES) {
        // Each with the key it checks, as in `compare.bench.ts`.
        const direct = await series(
          `${upstream.url}/chat/completions`,
          { authorization: 'Bearer sk-bench' },
          kind,
          gapMs,
        );
        const floor = await series(`${proxy.url}/chat/completions`, { authorization: 'Bearer sk-floor' }, kind, gapMs);
        const voxgate = await series(`${gateway.url}/v1/chat/completions`, auth, kind, gapMs);
        process.kill(gateway.pid, 'SIGUSR2');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const { rows } = JSON.parse(readFileSync(probeOut, 'utf8')) as { rows: PhaseRow[] };
        phases.push(new Map(rows.map((row) => [row.event, row])));
        console.log(
          `   ${name.padEnd(20)} direct ${latency(direct)} │ floor ${latency(floor)} │ Voxgate ${latency(voxgate)}`,
        );
      }
      // Events seen in at least half the requests of the warm run, in its order.
      const [warm, cold] = phases as [Map<string, PhaseRow>, Map<string, PhaseRow>];
      const common = [...warm.values()].filter((row) => row.count >= (ROUNDS - 100) / 2);
      console.log(
        `   gateway, µs from the request (write: +µs the call took)   ${REGIMES.map((r) => r.name.padStart(18)).join(' ')}`,
      );
      for (const row of common) {
        const cell = (found: PhaseRow | undefined) =>
          (found
            ? `${found.atUs.toFixed(0)}${found.tookUs !== null ? ` +${found.tookUs.toFixed(0)}` : ''}`
            : '—'
          ).padStart(18);
        console.log(`   ${row.event.padEnd(56)} ${cell(row)} ${cell(cold.get(row.event))}`);
      }
    }
  } finally {
    await gateway.stop();
    upstream.child.kill();
    proxy.child.kill();
    redisServer?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
