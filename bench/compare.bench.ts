/**
 * Hot-path comparison benchmark (not a test): run with `npm run bench:compare` (builds first).
 *
 * One run, one machine, loopback: a private `redis-server` (started by the bench on a free port, so the
 * command counts below are the gateway's alone; REDIS_URL is used instead when `redis-server` is missing),
 * the minimal upstream (`minimal-upstream.ts`, its own process: a fixed JSON answer, or 20 SSE deltas),
 * Voxgate built (`dist/`, production-like: a tenant key, tenant quotas high enough never to refuse, metering
 * on, default logging), and Portkey's open-source gateway (`portkey-peer.ts`, installed at bench time) as the
 * peer, and a bare Node.js proxy (`bare-proxy.ts`: no Redis, no parsing, body piped) as the floor of what any
 * Node gateway adds on this machine. It prints:
 *
 * A. sequential, interleaved (direct / floor / Voxgate / Portkey in rotating order, one keep-alive connection each):
 *    p50/p99 of JSON requests, and of streams' first body byte and total, what each gateway adds, and the CPU
 *    time of each serving process per request;
 * B. saturated (autocannon, CONNECTIONS connections, SECONDS s per run): req/s and latency, JSON and streams,
 *    CPU per request, and the cores each process kept busy (serving, autocannon, Redis, upstream: a sum near
 *    the machine's core count means the machine, not the gateway, bounded the run);
 * C. Redis commands per Voxgate request (INFO commandstats deltas, idle background subtracted);
 * D. RSS of both gateways idle (QUIET_MS after boot), peak under load, QUIET_MS after load and SILENT_MS
 *    after load (once Voxgate's idle trim ran its full collection);
 * and the ratios against the issue #12 targets. It always exits 0 unless something fails to start: it is a
 * report, not a test. BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_SECONDS scale it down or up. BENCH_WORKERS runs
 * Voxgate with that many cluster workers (`server.workers`, default 1); CPU and RSS are then summed over
 * the primary and its workers (`treeCpuTimeMs`, `treeRssOf`; the same as the process alone for 1).
 * BENCH_GATEWAY_ENV (JSON) is added to the environment of both gateways, Voxgate and Portkey alike, e.g.
 * the Docker image's allocator: `{"LD_PRELOAD":"/usr/lib/x86_64-linux-gnu/libjemalloc.so.2","MALLOC_CONF":"narenas:1"}`.
 */
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import { Redis } from 'ioredis';
import {
  benchRequestBody,
  cpuTimeMs,
  saturatedLoad,
  setGenerousQuotas,
  startBareProxy,
  startRedis,
  startUpstream,
  treeCpuTimeMs,
  treeRssOf,
} from './bench-processes';
import { PORTKEY_VERSION, startPortkey } from './portkey-peer';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const WARMUP = Math.min(200, ROUNDS);
/**
 * Seconds of saturated load of each kind that every target gets before the sequential runs (0: none, only
 * the WARMUP sequential requests). V8 keeps compiling a request's path over its first few thousand
 * requests (counted with `--trace-opt` on the gateway: 185 functions optimized in its first 500 sequential
 * requests, 250 more over the next 3,500), so without it the sequential figures time a process still
 * warming up, running part of its path unoptimized while compilations take the other core, rather than
 * the long-running process a gateway is. Every target gets the same.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** `server.workers` of the gateway under test (`VOXGATE_WORKERS`): a number or `auto`. */
const WORKERS = process.env.BENCH_WORKERS ?? '1';
const STREAM_DELTAS = 20;
const COMMAND_SAMPLE = 200;
/**
 * How long the gateways are left quiet before "idle" RSS is read (after boot) and before "after load" is
 * read (after the last saturated run): the gateway gives memory back in quiet 10 s windows
 * (`server.idleTrimMs`: a young collection, then `malloc_trim`), so a reading taken sooner shows what a
 * burst left, not what an idle gateway holds. Portkey gets the same wait.
 */
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 35_000);
/**
 * When the last RSS is read after load (0: not read): past the 120 s of silence after which the gateway's
 * idle trim runs V8's full collection, which frees what the load promoted to the old generation (see
 * `apps/gateway/src/infra/idle-memory-trim.ts`: it waits that long because it costs optimized code).
 */
const SILENT_MS = Number(process.env.BENCH_SILENT_MS ?? 135_000);
/** Added to both gateways' environment (see the header). */
const GATEWAY_ENV = JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}') as Record<string, string>;
const MB = 1024 * 1024;

const TARGETS = {
  jsonP50Ms: 0.5,
  jsonP99Ms: 2,
  streamFirstByteP50Ms: 0.5,
  throughputVsPortkey: 3,
  rssIdleMb: 100,
};

const jsonBody = benchRequestBody(false);
const streamBody = benchRequestBody(true);

/** One way to reach the upstream: its base URL (with `/v1`) and the headers it needs. */
interface Target {
  readonly name: 'direct' | 'floor' | 'voxgate' | 'portkey';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: Agent;
  /** The process that serves it (the upstream itself for `direct`), whose CPU time is measured. */
  readonly pid: number;
}

interface Timing {
  firstByte: number;
  total: number;
  body: string;
}

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const f = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const pad = (value: string, width: number) => value.padStart(width);
const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');

/** One request on the target's single keep-alive connection: time to the first body byte and to the end. */
function timeRequest(target: Target, body: string): Promise<Timing> {
  const url = new URL(`${target.url}/chat/completions`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstByte = NaN;
    const parts: Buffer[] = [];
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: target.agent,
        headers: { ...target.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.on('data', (part: Buffer) => {
          if (Number.isNaN(firstByte)) firstByte = performance.now() - start;
          parts.push(part);
        });
        response.on('end', () => {
          const text = Buffer.concat(parts).toString();
          if (response.statusCode !== 200) reject(new Error(`${target.name}: HTTP ${response.statusCode} ${text}`));
          else resolve({ firstByte, total: performance.now() - start, body: text });
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Fails loudly if a target does not relay the upstream's answer whole (so the bench never times errors). */
function checkAnswer(target: Target, stream: boolean, timing: Timing): void {
  if (!stream) {
    const parsed = JSON.parse(timing.body) as { choices?: { message?: { content?: string } }[] };
    if (parsed.choices?.[0]?.message?.content !== 'ok')
      throw new Error(`${target.name}: unexpected answer ${timing.body}`);
    return;
  }
  const deltas = timing.body.match(/"content":"tok\d+ "/g)?.length ?? 0;
  if (deltas !== STREAM_DELTAS || !timing.body.includes('data: [DONE]')) {
    throw new Error(`${target.name}: stream relayed ${deltas}/${STREAM_DELTAS} deltas:\n${timing.body}`);
  }
}

interface Sequential {
  readonly firstByte: Record<Target['name'], number[]>;
  readonly total: Record<Target['name'], number[]>;
  /** CPU time of each target's serving process per measured request, ms (warm-up excluded). */
  readonly cpuMs: Record<Target['name'], number>;
}

async function sequential(targets: readonly Target[], stream: boolean): Promise<Sequential> {
  const body = stream ? streamBody : jsonBody;
  const firstByte = { direct: [], floor: [], voxgate: [], portkey: [] } as Sequential['firstByte'];
  const total = { direct: [], floor: [], voxgate: [], portkey: [] } as Sequential['total'];
  for (const target of targets) checkAnswer(target, stream, await timeRequest(target, body));
  const cpuMs = { direct: 0, floor: 0, voxgate: 0, portkey: 0 };
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    if (i === WARMUP) for (const target of targets) cpuMs[target.name] = treeCpuTimeMs(target.pid);
    // Rotating order, so drift in machine load and any order effect hit every target alike.
    for (let j = 0; j < targets.length; j++) {
      const target = targets[(i + j) % targets.length]!;
      const timing = await timeRequest(target, body);
      if (i < WARMUP) continue;
      firstByte[target.name].push(timing.firstByte);
      total[target.name].push(timing.total);
    }
  }
  for (const target of targets) cpuMs[target.name] = (treeCpuTimeMs(target.pid) - cpuMs[target.name]) / ROUNDS;
  return { firstByte, total, cpuMs };
}

interface Saturated {
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** CPU time of the serving process (and of Redis, when private) per completed request, ms. */
  readonly cpuMs: number;
  readonly redisCpuMs: number;
  /**
   * Cores each process kept busy during the run (CPU time / wall time): the serving process, the load
   * generator (this process: autocannon runs in it), Redis and the minimal upstream. On a small machine
   * their sum shows when the run was bound by the machine rather than by the gateway.
   */
  readonly cores: {
    readonly serving: number;
    readonly loadGenerator: number;
    readonly redis: number;
    readonly upstream: number;
  };
}

async function saturate(
  target: Target,
  stream: boolean,
  peaks: Map<number, number>,
  pids: number[],
  redisPid: number | undefined,
  upstreamPid: number,
): Promise<Saturated> {
  const sampler = setInterval(() => {
    for (const pid of pids) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, treeRssOf(pid)));
  }, 200);
  const cpu = treeCpuTimeMs(target.pid);
  const redisCpu = redisPid ? cpuTimeMs(redisPid) : NaN;
  const upstreamCpu = cpuTimeMs(upstreamPid);
  const ownCpu = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await load(target, stream, SECONDS);
    return {
      requests: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      cpuMs: (treeCpuTimeMs(target.pid) - cpu) / result.requests.total,
      redisCpuMs: redisPid ? (cpuTimeMs(redisPid) - redisCpu) / result.requests.total : NaN,
      cores: coresOf(performance.now() - started, {
        serving: treeCpuTimeMs(target.pid) - cpu,
        loadGenerator: (({ user, system }) => (user + system) / 1000)(process.cpuUsage(ownCpu)),
        redis: redisPid ? cpuTimeMs(redisPid) - redisCpu : NaN,
        upstream: target.pid === upstreamPid ? 0 : cpuTimeMs(upstreamPid) - upstreamCpu,
      }),
    };
  } finally {
    clearInterval(sampler);
  }
}

/** `seconds` of saturated load of one kind on `target` (autocannon, CONNECTIONS connections). */
function load(target: Target, stream: boolean, seconds: number): Promise<autocannon.Result> {
  return saturatedLoad(`${target.url}/chat/completions`, target.headers, stream, seconds, CONNECTIONS);
}

/** `0.85 + 0.66 + 0.16 + 0.08 = 1.75` (Redis `n/a` when the bench uses a shared one). */
function coresCell({ serving, loadGenerator, redis, upstream }: Saturated['cores']): string {
  const sum = serving + loadGenerator + (Number.isFinite(redis) ? redis : 0) + upstream;
  return `${f(serving)} + ${f(loadGenerator)} + ${f(redis)} + ${f(upstream)} = ${f(sum)}`;
}

function coresOf(wallMs: number, cpuMs: Saturated['cores']): Saturated['cores'] {
  return {
    serving: cpuMs.serving / wallMs,
    loadGenerator: cpuMs.loadGenerator / wallMs,
    redis: cpuMs.redis / wallMs,
    upstream: cpuMs.upstream / wallMs,
  };
}

/** Calls per command since `before` (INFO commandstats; commands run inside Lua scripts count too). */
async function commandCounts(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const counts = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts.set(match[1]!, Number(match[2]));
  return counts;
}

function delta(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, calls] of after) {
    const added = calls - (before.get(name) ?? 0);
    if (added > 0) out.set(name, added);
  }
  return out;
}

/** Commands per Voxgate request, with the same length of idle background (batch worker polling) subtracted. */
async function commandsPerRequest(redis: Redis, voxgate: Target, stream: boolean): Promise<string> {
  const body = stream ? streamBody : jsonBody;
  const start = await commandCounts(redis);
  const began = performance.now();
  for (let i = 0; i < COMMAND_SAMPLE; i++) await timeRequest(voxgate, body);
  const elapsed = performance.now() - began;
  await new Promise((resolve) => setTimeout(resolve, 300)); // write-behind settles land
  const busy = delta(await commandCounts(redis), start);
  const idleStart = await commandCounts(redis);
  await new Promise((resolve) => setTimeout(resolve, elapsed));
  const idle = delta(await commandCounts(redis), idleStart);
  idle.delete('info');
  busy.delete('info');
  const per = [...busy]
    .map(([name, calls]) => [name, (calls - (idle.get(name) ?? 0)) / COMMAND_SAMPLE] as const)
    .filter(([, calls]) => calls >= 0.005)
    .sort((a, b) => b[1] - a[1]);
  const sum = per.reduce((acc, [, calls]) => acc + calls, 0);
  return `${f(sum, 1)} commands/request: ${per.map(([name, calls]) => `${name} ${f(calls)}`).join(', ')}`;
}

async function main(): Promise<void> {
  const cores = cpus();
  console.log(
    `Voxgate vs Portkey ${PORTKEY_VERSION} — node ${process.version}, ${cores.length}× ${cores[0]?.model ?? '?'}, ` +
      `${f(totalmem() / 1024 ** 3, 1)} GB, load average ${loadavg()
        .map((l) => f(l))
        .join(' ')}, Voxgate server.workers ${WORKERS}`,
  );
  const redisServer = await startRedis();
  if (redisServer) process.env.REDIS_URL = redisServer.url;
  // Imported after REDIS_URL is settled: bench-gateway reads it at load.
  const { startBenchGateway, REDIS_URL } = await import('./bench-gateway.js');
  const upstream = await startUpstream(STREAM_DELTAS);
  const bare = await startBareProxy(upstream.url);
  const gateway = await startBenchGateway(upstream.url, {}, { env: { ...GATEWAY_ENV, VOXGATE_WORKERS: WORKERS } });
  const portkey = await startPortkey(upstream.url, GATEWAY_ENV).catch(async (error: unknown) => {
    await gateway.stop();
    throw error;
  });
  const redis = new Redis(REDIS_URL);
  try {
    await setGenerousQuotas(gateway);
    const agent = () => new Agent({ keepAlive: true, maxSockets: 1 });
    const direct: Target = {
      name: 'direct',
      url: upstream.url,
      headers: { authorization: 'Bearer sk-bench' },
      agent: agent(),
      pid: upstream.child.pid!,
    };
    const floor: Target = {
      name: 'floor',
      url: bare.url,
      headers: { authorization: 'Bearer sk-floor' },
      agent: agent(),
      pid: bare.child.pid!,
    };
    const voxgate: Target = {
      name: 'voxgate',
      url: `${gateway.url}/v1`,
      headers: { authorization: `Bearer ${gateway.key}` },
      agent: agent(),
      pid: gateway.pid,
    };
    const peer: Target = {
      name: 'portkey',
      url: portkey.url,
      headers: { ...portkey.headers, authorization: 'Bearer sk-bench' },
      agent: agent(),
      pid: portkey.pid,
    };
    const targets = [direct, floor, voxgate, peer] as const;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    const idle = { voxgate: treeRssOf(gateway.pid), portkey: treeRssOf(portkey.pid) };
    console.log(`Redis: ${redisServer ? `private redis-server at ${REDIS_URL}` : REDIS_URL}`);
    console.log(`Both gateways' added environment (BENCH_GATEWAY_ENV): ${JSON.stringify(GATEWAY_ENV)}\n`);

    if (WARMUP_SECONDS > 0) {
      for (const target of targets) for (const stream of [false, true]) await load(target, stream, WARMUP_SECONDS);
    }
    const json = await sequential(targets, false);
    const streams = await sequential(targets, true);
    const jsonCommands = await commandsPerRequest(redis, voxgate, false);
    const streamCommands = await commandsPerRequest(redis, voxgate, true);

    const peaks = new Map<number, number>();
    const pids = [gateway.pid, portkey.pid];
    const saturated: Record<'json' | 'stream', Record<Target['name'], Saturated>> = { json: {}, stream: {} } as never;
    for (const stream of [false, true]) {
      for (const target of targets)
        saturated[stream ? 'stream' : 'json'][target.name] = await saturate(
          target,
          stream,
          peaks,
          pids,
          redisServer?.child.pid,
          upstream.child.pid!,
        );
    }
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    const after = { voxgate: treeRssOf(gateway.pid), portkey: treeRssOf(portkey.pid) };
    let silent: typeof after | null = null;
    if (SILENT_MS > QUIET_MS) {
      await new Promise((resolve) => setTimeout(resolve, SILENT_MS - QUIET_MS));
      silent = { voxgate: treeRssOf(gateway.pid), portkey: treeRssOf(portkey.pid) };
    }

    const row = (label: string, samples: Record<Target['name'], number[]>) => {
      const p50 = (name: Target['name']) => percentile(samples[name], 0.5);
      const p99 = (name: Target['name']) => percentile(samples[name], 0.99);
      const cell = (name: Target['name']) => `${pad(f(p50(name)), 7)} ${pad(f(p99(name)), 7)}`;
      const added = (name: 'floor' | 'voxgate' | 'portkey') =>
        `${pad(f(p50(name) - p50('direct')), 7)} ${pad(f(p99(name) - p99('direct')), 7)}`;
      console.log(
        `   ${label.padEnd(18)} ${cell('direct')} │ ${cell('floor')} │ ${cell('voxgate')} │ ${cell('portkey')} │ ${added('floor')} │ ${added('voxgate')} │ ${added('portkey')}`,
      );
    };
    console.log(`A. sequential, interleaved, ${ROUNDS} requests per target and kind (ms; p50 p99)`);
    console.log(
      `   ${''.padEnd(18)} ${'direct'.padEnd(15)} │ ${'floor'.padEnd(15)} │ ${'Voxgate'.padEnd(15)} │ ${'Portkey'.padEnd(15)} │ ${'floor adds'.padEnd(15)} │ ${'Voxgate adds'.padEnd(15)} │ Portkey adds`,
    );
    row('JSON', json.total);
    row('stream first byte', streams.firstByte);
    row('stream total', streams.total);
    const cpuRow = (label: string, run: Sequential) =>
      console.log(
        `   ${label.padEnd(18)} ${pad(f(run.cpuMs.direct, 3), 15)} │ ${pad(f(run.cpuMs.floor, 3), 15)} │ ${pad(f(run.cpuMs.voxgate, 3), 15)} │ ${pad(f(run.cpuMs.portkey, 3), 15)} │`,
      );
    cpuRow('CPU ms/req JSON', json);
    cpuRow('CPU ms/req stream', streams);

    console.log(`\nB. saturated, autocannon ${CONNECTIONS} connections × ${SECONDS} s per run`);
    console.log(
      `   CPU ms/req: CPU time of the serving process (the upstream for direct) per request; Redis: of Redis`,
    );
    console.log(
      `   ${''.padEnd(15)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'CPU ms/req'.padStart(11)} ${'Redis'.padStart(6)}   cores busy: serving + autocannon + Redis + upstream = sum of ${cpus().length}`,
    );
    for (const kind of ['json', 'stream'] as const) {
      for (const name of ['direct', 'floor', 'voxgate', 'portkey'] as const) {
        const s = saturated[kind][name];
        console.log(
          `   ${`${kind} ${name}`.padEnd(15)} ${pad(f(s.requests, 0), 8)} ${pad(f(s.p50, 0), 7)} ${pad(f(s.p99, 0), 7)} ${pad(String(s.errors), 7)} ${pad(f(s.cpuMs, 3), 11)} ${pad(f(s.redisCpuMs, 3), 6)}   ${coresCell(s.cores)}`,
        );
      }
    }

    console.log(
      `\nC. Redis commands per Voxgate request (${COMMAND_SAMPLE} sequential requests, idle background subtracted)`,
    );
    console.log(`   JSON:   ${jsonCommands}`);
    console.log(`   stream: ${streamCommands}`);

    const peak = { voxgate: peaks.get(gateway.pid) ?? NaN, portkey: peaks.get(portkey.pid) ?? NaN };
    const silentHead = silent ? `   ${SILENT_MS / 1000} s after load` : '';
    console.log(`\nD. RSS (MB)          idle   peak   ${QUIET_MS / 1000} s after load${silentHead}`);
    for (const name of ['voxgate', 'portkey'] as const) {
      const silentCell = silent ? pad(f(silent[name] / MB, 0), 6 + silentHead.length - 6) : '';
      console.log(
        `   ${name.padEnd(16)} ${pad(f(idle[name] / MB, 0), 6)} ${pad(f(peak[name] / MB, 0), 6)} ${pad(f(after[name] / MB, 0), 6)}${silentCell}`,
      );
    }

    const added = (samples: Record<Target['name'], number[]>, q: number) =>
      percentile(samples.voxgate, q) - percentile(samples.direct, q);
    const jsonP50 = added(json.total, 0.5);
    const jsonP99 = added(json.total, 0.99);
    const firstByte = added(streams.firstByte, 0.5);
    const jsonVsPeer = saturated.json.voxgate.requests / saturated.json.portkey.requests;
    const streamVsPeer = saturated.stream.voxgate.requests / saturated.stream.portkey.requests;
    // Throughput a core would give each gateway alone: steadier than req/s on a shared machine.
    const jsonCpuVsPeer = saturated.json.portkey.cpuMs / saturated.json.voxgate.cpuMs;
    const streamCpuVsPeer = saturated.stream.portkey.cpuMs / saturated.stream.voxgate.cpuMs;
    console.log(
      '\nTargets (issue #12)                          measured   target   ratio (≤ 1 is met for costs, ≥ 1 for gains)',
    );
    const line = (label: string, measured: string, target: string, ratio: number, met: boolean) =>
      console.log(`   ${label.padEnd(42)} ${pad(measured, 9)} ${pad(target, 8)}   ${pad(f(ratio), 6)} ${verdict(met)}`);
    line(
      'JSON p50 added (ms)',
      f(jsonP50),
      `≤ ${TARGETS.jsonP50Ms}`,
      jsonP50 / TARGETS.jsonP50Ms,
      jsonP50 <= TARGETS.jsonP50Ms,
    );
    line(
      'JSON p99 added (ms)',
      f(jsonP99),
      `≤ ${TARGETS.jsonP99Ms}`,
      jsonP99 / TARGETS.jsonP99Ms,
      jsonP99 <= TARGETS.jsonP99Ms,
    );
    line(
      'stream first byte p50 added (ms)',
      f(firstByte),
      `≤ ${TARGETS.streamFirstByteP50Ms}`,
      firstByte / TARGETS.streamFirstByteP50Ms,
      firstByte <= TARGETS.streamFirstByteP50Ms,
    );
    line(
      'saturated JSON req/s, Voxgate / Portkey',
      `${f(jsonVsPeer)}×`,
      `≥ ${TARGETS.throughputVsPortkey}×`,
      jsonVsPeer / TARGETS.throughputVsPortkey,
      jsonVsPeer >= TARGETS.throughputVsPortkey,
    );
    line(
      'saturated stream req/s, Voxgate / Portkey',
      `${f(streamVsPeer)}×`,
      `≥ ${TARGETS.throughputVsPortkey}×`,
      streamVsPeer / TARGETS.throughputVsPortkey,
      streamVsPeer >= TARGETS.throughputVsPortkey,
    );
    line(
      'JSON CPU per request, Portkey / Voxgate',
      `${f(jsonCpuVsPeer)}×`,
      `≥ ${TARGETS.throughputVsPortkey}×`,
      jsonCpuVsPeer / TARGETS.throughputVsPortkey,
      jsonCpuVsPeer >= TARGETS.throughputVsPortkey,
    );
    line(
      'stream CPU per request, Portkey / Voxgate',
      `${f(streamCpuVsPeer)}×`,
      `≥ ${TARGETS.throughputVsPortkey}×`,
      streamCpuVsPeer / TARGETS.throughputVsPortkey,
      streamCpuVsPeer >= TARGETS.throughputVsPortkey,
    );
    line(
      'RSS idle (MB)',
      f(idle.voxgate / MB, 0),
      `≤ ${TARGETS.rssIdleMb}`,
      idle.voxgate / MB / TARGETS.rssIdleMb,
      idle.voxgate / MB <= TARGETS.rssIdleMb,
    );
    for (const [label, rss] of [
      [`RSS ${QUIET_MS / 1000} s after load / idle`, after],
      ...(silent ? ([[`RSS ${SILENT_MS / 1000} s after load / idle`, silent]] as const) : []),
    ] as const) {
      line(
        label,
        `${f(rss.voxgate / idle.voxgate)}×`,
        '≈ 1×',
        rss.voxgate / idle.voxgate,
        rss.voxgate / idle.voxgate <= 1.2,
      );
    }
    const floorJsonP50 = percentile(json.total.floor, 0.5) - percentile(json.total.direct, 0.5);
    const floorFirstByte = percentile(streams.firstByte.floor, 0.5) - percentile(streams.firstByte.direct, 0.5);
    console.log(
      `\nThe floor here, a bare Node proxy (no Redis, no parsing): adds ${f(floorJsonP50)} ms p50 (JSON), ` +
        `${f(floorFirstByte)} ms to a stream's first byte, and costs ${f(saturated.json.floor.cpuMs, 3)} / ` +
        `${f(saturated.stream.floor.cpuMs, 3)} ms CPU per saturated JSON / stream request.\n` +
        `   Voxgate over the floor: +${f(jsonP50 - floorJsonP50)} ms JSON p50, +${f(firstByte - floorFirstByte)} ms first byte.`,
    );
  } finally {
    redis.disconnect();
    portkey.stop();
    await gateway.stop();
    upstream.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    redisServer?.child.kill('SIGTERM');
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
