/**
 * What the hot path's features cost written plainly, against what Voxgate's code costs for the same
 * requests (not a test): run with `npm run bench:layers`.
 *
 * Targets, one process each, all in front of one minimal upstream (private Redis as in `compare.bench.ts`):
 * a direct call; `layered-proxy.ts` with its layers added one at a time (none: the floor of
 * `bench:compare`; then Fastify; parsing both bodies; an admission overlapped with the provider call and a
 * settle written behind it in Redis; an access line; and all of them on Fastify); and the built gateway
 * (one tenant, generous quotas, metering and its log on). Each first gets 2 s of saturated JSON to warm it
 * up, then `BENCH_SECONDS` (3) more while its CPU time is read: CPU per saturated request. Then
 * `BENCH_ROUNDS` (1000) JSON requests per target, one at a time, the targets in rotating order (each
 * process sleeps while the others run, as in `bench:compare`): p50 / p99 added over the direct call and
 * CPU per sequential request.
 *
 * What to read: the last layered line is every feature of the path without Voxgate's own code around it
 * (its Redis script is smaller than Voxgate's admission, which does not matter to the gateway's side:
 * the round trip is overlapped with the provider's). Its distance to the floor is what the features cost;
 * Voxgate's distance to it is what the implementation costs.
 */
import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import {
  benchRequestBody,
  cpuTimeMs,
  saturatedLoad,
  setGenerousQuotas,
  startLayeredProxy,
  startRedis,
  startUpstream,
} from './bench-processes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP = 100;
/** The layered proxies, each a line of the report: none is the floor. */
const LAYERS: readonly (readonly string[])[] = [
  [],
  ['fastify'],
  ['parse'],
  ['parse', 'redis'],
  ['parse', 'redis', 'log'],
  ['fastify', 'parse', 'redis', 'log'],
];

interface Target {
  readonly name: string;
  /** Base URL ending in `/v1`. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly pid: number;
  readonly agent: Agent;
}

const body = benchRequestBody(false);

/** ms to the end of one JSON answer on the target's keep-alive connection. */
function timeOne(target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const request = httpRequest(
      `${target.url}/chat/completions`,
      {
        method: 'POST',
        agent: target.agent,
        headers: { ...target.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`${target.name}: HTTP ${response.statusCode}`));
          else resolve(performance.now() - start);
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const redisServer = await startRedis();
  if (redisServer) process.env.REDIS_URL = redisServer.url;
  // Imported once REDIS_URL names the private Redis: the module reads it when loaded.
  const { startBenchGateway, REDIS_URL } = await import('./bench-gateway.js');
  const upstream = await startUpstream(20);
  const proxies = [];
  const target = (name: string, url: string, headers: Record<string, string>, pid: number): Target => ({
    name,
    url,
    headers,
    pid,
    agent: new Agent({ keepAlive: true, maxSockets: 1 }),
  });
  const targets: Target[] = [target('direct', upstream.url, { authorization: 'Bearer sk-bench' }, upstream.child.pid!)];
  const gateway = await startBenchGateway(upstream.url);
  try {
    for (const layers of LAYERS) {
      const proxy = await startLayeredProxy(upstream.url, layers, REDIS_URL);
      proxies.push(proxy);
      const name = layers.length ? layers.join(' + ') : 'floor (no layer)';
      targets.push(target(name, proxy.url, { authorization: 'Bearer sk-floor' }, proxy.child.pid!));
    }
    await setGenerousQuotas(gateway);
    targets.push(target('Voxgate', `${gateway.url}/v1`, { authorization: `Bearer ${gateway.key}` }, gateway.pid));

    const saturated = new Map<string, number>();
    for (const { name, url, headers, pid } of targets.slice(1)) {
      await saturatedLoad(`${url}/chat/completions`, headers, false, 2, 32);
      const before = cpuTimeMs(pid);
      const result = await saturatedLoad(`${url}/chat/completions`, headers, false, SECONDS, 32);
      saturated.set(name, (cpuTimeMs(pid) - before) / result.requests.total);
    }

    const times = new Map<string, number[]>(targets.map(({ name }) => [name, []]));
    const cpu = new Map<string, number>();
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      if (i === WARMUP) for (const { name, pid } of targets) cpu.set(name, cpuTimeMs(pid));
      for (let j = 0; j < targets.length; j++) {
        const next = targets[(i + j) % targets.length]!;
        const ms = await timeOne(next);
        if (i >= WARMUP) times.get(next.name)!.push(ms);
      }
    }
    const direct = quantile(times.get('direct')!, 0.5);
    console.log(
      `${ROUNDS} sequential JSON requests per target, rotating; load average ${loadavg()[0]!.toFixed(2)}\n` +
        `${'target'.padEnd(34)} ${'p50 ms'.padStart(7)} ${'added'.padStart(7)} ${'p99 ms'.padStart(7)}` +
        ` ${'CPU ms/req sequential'.padStart(22)} ${'saturated'.padStart(10)}`,
    );
    for (const { name, pid } of targets) {
      const values = times.get(name)!;
      const p50 = quantile(values, 0.5);
      // The direct call's process is the upstream, which serves every target: its CPU is not its own.
      const sequentialCpu = name === 'direct' ? NaN : (cpuTimeMs(pid) - cpu.get(name)!) / ROUNDS;
      console.log(
        `${name.padEnd(34)} ${p50.toFixed(3).padStart(7)} ${`+${(p50 - direct).toFixed(3)}`.padStart(7)}` +
          ` ${quantile(values, 0.99).toFixed(2).padStart(7)} ${sequentialCpu.toFixed(3).padStart(22)}` +
          ` ${(saturated.get(name) ?? NaN).toFixed(3).padStart(10)}`,
      );
    }
  } finally {
    await gateway.stop();
    for (const proxy of proxies) proxy.child.kill();
    upstream.child.kill();
    redisServer?.child.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
