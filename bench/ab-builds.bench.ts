/**
 * Two builds of the gateway against each other (not a test): CPU time per request under saturation,
 * alternating runs so that the machine's load of the moment hits both alike.
 *
 *   node dist/bench-compare/bench/ab-builds.bench.js <root A> <root B>
 *
 * A root is a checkout with its own `dist/` built (`npm run build`) and its `config/`, e.g. `main` as
 * `git archive main | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npm run build)`.
 * Both gateways run side by side on one private Redis and one minimal upstream (20 deltas per stream), each
 * with its own tenant and generous quotas, default logging. Each round runs saturated JSON and then
 * saturated streams (autocannon, AB_CONNECTIONS connections, AB_SECONDS s) on A and B, in an order that
 * alternates per round, and reads each gateway's CPU time from `/proc` around its run. It prints every
 * run, then per kind the median CPU per request of each build and the median of the per-round ratios B/A:
 * the figure to read on a shared machine, where CPU per request itself moves with the load.
 *
 * Before that, AB_SEQUENTIAL requests of each kind go to A and B in turn, one at a time on one keep-alive
 * connection each (0 skips it): it prints each build's p50 and p99 latency (JSON: whole answer; streams:
 * first body byte), the figure a change on the request's path (a round trip fewer) moves.
 *
 * The two roots may be the same build, to compare settings instead: `AB_NODE_ARGS_A` / `AB_NODE_ARGS_B`
 * (space-separated, e.g. `--max-semi-space-size=32`) go before each gateway's script, and `AB_CONFIG_A` /
 * `AB_CONFIG_B` (JSON) are merged over each gateway's bench config (e.g. `{"server":{"workers":2}}`), and
 * `AB_ENV_A` / `AB_ENV_B` (JSON) are added to each gateway's environment (e.g. `{"MALLOC_ARENA_MAX":"2"}`).
 *
 * `AB_STREAM_PACE_MS` > 0 has the upstream send a stream's events that many ms apart, as a model sends its
 * tokens, so each event is a read of its own for the gateway (by default a stream arrives in one or a few
 * reads): the per-read path real streams take. Saturated streams then last 24 × the pace each.
 */
import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { BenchGateway } from './bench-gateway';
import {
  benchRequestBody,
  cpuTimeMs,
  saturatedLoad,
  setGenerousQuotas,
  startRedis,
  startUpstream,
} from './bench-processes';

const SECONDS = Number(process.env.AB_SECONDS ?? 3);
const ROUNDS = Number(process.env.AB_ROUNDS ?? 10);
const CONNECTIONS = Number(process.env.AB_CONNECTIONS ?? 32);
const SEQUENTIAL = Number(process.env.AB_SEQUENTIAL ?? 1000);
/** > 0: the upstream sends a stream's events this many ms apart, each a read of its own for the gateway. */
const STREAM_PACE_MS = Number(process.env.AB_STREAM_PACE_MS ?? 0);
const KINDS = ['json', 'stream'] as const;
type Kind = (typeof KINDS)[number];

async function saturate(gateway: BenchGateway, kind: Kind, seconds: number) {
  const before = cpuTimeMs(gateway.pid);
  const result = await saturatedLoad(
    `${gateway.url}/v1/chat/completions`,
    { authorization: `Bearer ${gateway.key}` },
    kind === 'stream',
    seconds,
    CONNECTIONS,
  );
  const served = result['2xx'];
  return { cpuMs: (cpuTimeMs(gateway.pid) - before) / served, perSecond: served / seconds, failed: result.non2xx };
}

/** One request on `agent`'s keep-alive connection: ms to the first body byte (streams) or to the end (JSON). */
function timeOne(gateway: BenchGateway, agent: Agent, kind: Kind): Promise<number> {
  const payload = benchRequestBody(kind === 'stream');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstByte = NaN;
    const request = httpRequest(
      `${gateway.url}/v1/chat/completions`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${gateway.key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        response.on('data', () => {
          if (Number.isNaN(firstByte)) firstByte = performance.now() - start;
        });
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
          else resolve(kind === 'stream' ? firstByte : performance.now() - start);
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** SEQUENTIAL requests of each kind, A and B in turn (the order alternating), one at a time. */
async function sequential(gateways: Record<'A' | 'B', BenchGateway>): Promise<void> {
  const agents = { A: new Agent({ keepAlive: true, maxSockets: 1 }), B: new Agent({ keepAlive: true, maxSockets: 1 }) };
  for (const kind of KINDS) {
    const times: Record<'A' | 'B', number[]> = { A: [], B: [] };
    for (let i = 0; i < SEQUENTIAL + 100; i++) {
      for (const name of i % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        const ms = await timeOne(gateways[name], agents[name], kind);
        if (i >= 100) times[name].push(ms); // the first 100 warm up
      }
    }
    const shown = (name: 'A' | 'B') =>
      `${name} p50 ${quantile(times[name], 0.5).toFixed(3)} p99 ${quantile(times[name], 0.99).toFixed(3)}`;
    console.log(
      `sequential ${kind.padEnd(6)} (${kind === 'stream' ? 'first byte' : 'whole answer'}, ms, ${SEQUENTIAL} each): ` +
        `${shown('A')}; ${shown('B')}; B−A p50 ${(quantile(times.B, 0.5) - quantile(times.A, 0.5)).toFixed(3)}`,
    );
  }
  agents.A.destroy();
  agents.B.destroy();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const [rootA, rootB] = process.argv.slice(2);
  if (!rootA || !rootB) throw new Error('usage: ab-builds.bench.js <root A> <root B>');
  const redisServer = await startRedis();
  if (redisServer) process.env.REDIS_URL = redisServer.url;
  // Imported once REDIS_URL names the private Redis: the module reads it when loaded.
  const { startBenchGateway } = await import('./bench-gateway.js');
  const upstream = await startUpstream(20, STREAM_PACE_MS);
  const mainOf = (root: string) => path.resolve(root, 'dist/apps/gateway/src/main.js');
  const settingsOf = (side: 'A' | 'B') => ({
    config: JSON.parse(process.env[`AB_CONFIG_${side}`] || '{}') as Record<string, unknown>,
    args: (process.env[`AB_NODE_ARGS_${side}`] ?? '').split(' ').filter(Boolean),
    env: JSON.parse(process.env[`AB_ENV_${side}`] || '{}') as Record<string, string>,
  });
  const start = (side: 'A' | 'B', root: string) => {
    const { config, args, env } = settingsOf(side);
    return startBenchGateway(upstream.url, config, { main: mainOf(root), args, env });
  };
  const stopHelpers = () => {
    upstream.child.kill();
    redisServer?.child.kill();
  };
  const gatewayA = await start('A', rootA).catch((error: unknown) => {
    stopHelpers();
    throw error;
  });
  // B failing to start (a root without `config/` or `dist/`) must not leave A, the upstream and Redis running.
  const gatewayB = await start('B', rootB).catch(async (error: unknown) => {
    await gatewayA.stop();
    stopHelpers();
    throw error;
  });
  const gateways = { A: gatewayA, B: gatewayB };
  const cpu: Record<'A' | 'B', Record<Kind, number[]>> = { A: { json: [], stream: [] }, B: { json: [], stream: [] } };
  try {
    for (const gateway of Object.values(gateways)) {
      await setGenerousQuotas(gateway);
      for (const kind of KINDS) await saturate(gateway, kind, 2); // warm-up
    }
    for (const [side, root] of [
      ['A', rootA],
      ['B', rootB],
    ] as const) {
      const { config, args, env } = settingsOf(side);
      const variables = Object.entries(env).map(([name, value]) => `${name}=${value}`);
      const json = Object.keys(config).length ? JSON.stringify(config) : '';
      console.log(`${side}: ${[...variables, root, ...args, json].join(' ')}`.trimEnd());
    }
    if (SEQUENTIAL > 0) await sequential(gateways);
    console.log(
      `${ROUNDS} rounds, ${CONNECTIONS} connections × ${SECONDS} s per run` +
        (STREAM_PACE_MS > 0 ? `, stream events ${STREAM_PACE_MS} ms apart` : ''),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
      for (const kind of KINDS) {
        for (const name of order) {
          const run = await saturate(gateways[name], kind, SECONDS);
          cpu[name][kind].push(run.cpuMs);
          console.log(
            `round ${round + 1} ${kind.padEnd(6)} ${name}: ${run.cpuMs.toFixed(3)} ms CPU/request, ` +
              `${run.perSecond.toFixed(0)} req/s, ${run.failed} failed, load ${loadavg()[0]!.toFixed(1)}`,
          );
        }
      }
    }
  } finally {
    await Promise.all(Object.values(gateways).map((gateway) => gateway.stop()));
    stopHelpers();
  }
  for (const kind of KINDS) {
    const ratios = cpu.A[kind].map((a, round) => cpu.B[kind][round]! / a);
    console.log(
      `${kind}: CPU ms/request A ${median(cpu.A[kind]).toFixed(3)}, B ${median(cpu.B[kind]).toFixed(3)}; ` +
        `B/A per round: median ${median(ratios).toFixed(3)} [${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}]`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
