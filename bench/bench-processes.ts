/**
 * Processes the hot-path benches (`compare.bench.ts`, `profile-gateway.bench.ts`) start around the gateway:
 * a private Redis and the minimal upstream, each its own process, plus what they read off processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';

/** Children started here; killed when the bench exits, also when it fails half-way through its setup. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A free TCP port on loopback (released before it is returned; fine for a bench). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A private `redis-server` on a free loopback port, without persistence, so that its command counts are
 * the bench's alone; null when `redis-server` is not installed (the caller then uses REDIS_URL).
 */
export async function startRedis(): Promise<{ url: string; child: ChildProcess } | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const port = await freePort();
  const child = track(
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    }),
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined); // refused until the server listens: retried below
    try {
      await probe.connect();
      await probe.ping();
      return { url, child };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      probe.disconnect();
    }
  }
  child.kill();
  throw new Error('redis-server did not start');
}

/** `minimal-upstream.js` (compiled next to this file) as a child process, streaming `deltas` deltas. */
/**
 * `minimal-upstream.js` as a child process: `deltas` content deltas per stream, written in one go or, with
 * `paceMs` > 0, one event per `paceMs` (a model's pace: each event a read of its own for the gateway).
 */
export function startUpstream(deltas: number, paceMs = 0): Promise<{ url: string; child: ChildProcess }> {
  return startScript('minimal-upstream.js', [String(deltas), String(paceMs)]);
}

/** `bare-proxy.js` (compiled next to this file), the floor, as a child process in front of `upstreamUrl`. */
export function startBareProxy(upstreamUrl: string): Promise<{ url: string; child: ChildProcess }> {
  return startScript('bare-proxy.js', [upstreamUrl]);
}

/**
 * `layered-proxy.js` (compiled next to this file) as a child process in front of `upstreamUrl`, with
 * `layers` switched on (`fastify`, `parse`, `redis`, `log`; none: the floor), its admission on `redisUrl`.
 */
export function startLayeredProxy(
  upstreamUrl: string,
  layers: readonly string[],
  redisUrl: string,
): Promise<{ url: string; child: ChildProcess }> {
  return startScript('layered-proxy.js', [upstreamUrl, layers.join(','), redisUrl]);
}

/** A script of this folder as a child process that prints `{"url":…}` once it listens. */
async function startScript(file: string, args: readonly string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = track(
    spawn(process.execPath, [path.join(__dirname, file), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => resolve((JSON.parse(data.toString()) as { url: string }).url));
    child.once('exit', () => reject(new Error(`${file} exited`)));
  });
  child.stdout.resume();
  return { url, child };
}

/** Resident set size of a process, in bytes (Linux `/proc`). */
export function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/**
 * The chat completion every hot-path bench sends (`compare`, `ab-builds`, `profile-gateway`): model
 * `bench-model` (the minimal upstream's), one short user message, 64 output tokens, streamed or not.
 */
export function benchRequestBody(stream: boolean): string {
  return JSON.stringify({
    model: 'bench-model',
    messages: [{ role: 'user', content: 'hi' }],
    max_completion_tokens: 64,
    ...(stream ? { stream: true } : {}),
  });
}

/**
 * `seconds` of saturated load (autocannon, `connections` keep-alive connections) of the bench's chat
 * completion (`benchRequestBody`) on `url` (the full route), with `headers` (e.g. the key) added.
 */
export function saturatedLoad(
  url: string,
  headers: Readonly<Record<string, string>>,
  stream: boolean,
  seconds: number,
  connections: number,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: benchRequestBody(stream),
    connections,
    duration: seconds,
  });
}

/** `PUT /admin/tenants/{id}/quotas` with limits no bench reaches, so admission runs every check but never refuses. */
export async function setGenerousQuotas(gateway: { url: string; tenantId: string; adminKey: string }): Promise<void> {
  const response = await fetch(`${gateway.url}/admin/tenants/${gateway.tenantId}/quotas`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      requests_per_minute: 100_000_000,
      tokens_per_minute: 10_000_000_000,
      concurrent_streams: 10_000,
    }),
  });
  if (!response.ok) throw new Error(`setting quotas: HTTP ${response.status} ${await response.text()}`);
}

let ticksPerSecond: number | undefined;

/** CPU time a process has used so far, in ms, user and system (Linux `/proc/<pid>/stat`). */
export function cpuTimes(pid: number): { user: number; system: number } {
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / ticksPerSecond, system: (Number(fields[12]) * 1000) / ticksPerSecond };
}

/**
 * CPU time (user + system) a process has used so far, in ms. Unlike latency and req/s, CPU per request
 * barely moves when other work shares the machine, so it is the steadier figure.
 */
export function cpuTimeMs(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/**
 * `pid` and every process below it, e.g. a gateway's cluster primary and its workers (`server.workers`),
 * from `/proc/<pid>/task/<tid>/children` (Linux). Processes that end meanwhile are skipped.
 */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]!;
    try {
      for (const task of readdirSync(`/proc/${parent}/task`)) {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim();
        if (children) tree.push(...children.split(' ').map(Number));
      }
    } catch {
      // gone meanwhile
    }
  }
  return tree;
}

/** `cpuTimeMs` of `pid` and every process below it (the whole cluster for a gateway with workers). */
export function treeCpuTimeMs(pid: number): number {
  return processTree(pid).reduce((sum, each) => sum + orZero(() => cpuTimeMs(each)), 0);
}

/**
 * `rssOf` summed over `pid` and every process below it. Pages the processes share (the code of forked
 * workers) are counted once per process, so for a cluster this is an upper bound.
 */
export function treeRssOf(pid: number): number {
  return processTree(pid).reduce((sum, each) => sum + orZero(() => rssOf(each)), 0);
}

function orZero(read: () => number): number {
  try {
    return read();
  } catch {
    return 0; // the process ended between listing and reading
  }
}
