import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteFullKeys, openTestRedis, scanKeys, testRedisTarget } from '@voxgate/testing';
import { stringify } from 'yaml';

const MAIN = path.resolve(__dirname, '../../dist/apps/gateway/src/main.js');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface GatewayOptions {
  /** Config merged over `config/default.yaml` through `VOXGATE_CONFIG`. */
  config?: Record<string, unknown>;
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
  /** Share a key prefix (and so tenants and keys) with another gateway, as replicas do. */
  redisPrefix?: string;
  adminKey?: string;
  /** How long to wait for `listening` (default 15 s; several cluster workers boot on the same cores). */
  startTimeoutMs?: number;
}

/**
 * The built gateway (`dist/`, from `npm run build`) as a child process, exactly as `npm start` runs it:
 * real HTTP on an ephemeral port, real Redis under a random key prefix, config through VOXGATE_CONFIG.
 * Everything it logs is kept in `output` so tests can assert what never appears there.
 */
export class GatewayProcess {
  output = '';
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly adminKey: string,
    readonly redisPrefix: string,
    outputSoFar: string,
    exited: Promise<number | null>,
  ) {
    this.output = outputSoFar;
    this.exited = exited;
    child.stdout?.on('data', (data: Buffer) => (this.output += data.toString()));
    child.stderr?.on('data', (data: Buffer) => (this.output += data.toString()));
  }

  static async start(options: GatewayOptions = {}): Promise<GatewayProcess> {
    const redisPrefix = options.redisPrefix ?? `vgtest:${randomBytes(6).toString('hex')}:`;
    const adminKey = options.adminKey ?? `adm-${randomBytes(16).toString('hex')}`;
    const env: Record<string, string> = {
      ...pickEnv(['PATH', 'HOME', 'NODE_OPTIONS']),
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL,
      VOXGATE_REDIS_PREFIX: redisPrefix,
      VOXGATE_ADMIN_KEY: adminKey,
      ...(options.config || testRedisTarget().mode === 'cluster'
        ? { VOXGATE_CONFIG: writeConfig(withTestRedisMode(options.config ?? {})) }
        : {}),
      ...options.env,
    };
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timeoutMs = options.startTimeoutMs ?? 15_000;
      const timer = setTimeout(
        () => reject(new Error(`gateway did not start in ${timeoutMs / 1000} s:\n${output}`)),
        timeoutMs,
      );
      const onData = (data: Buffer) => {
        output += data.toString();
        const match = /"msg":"listening","url":"([^"]+)"/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.stderr?.off('data', onData);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new GatewayExitError(code, output));
      });
    });
    return new GatewayProcess(child, url, adminKey, redisPrefix, output, exited);
  }

  /** Boots the gateway expecting it to refuse to start; resolves with its exit code and output. */
  static async startFailing(options: GatewayOptions = {}): Promise<GatewayExitError> {
    try {
      const gateway = await GatewayProcess.start(options);
      await gateway.stop();
    } catch (error) {
      if (error instanceof GatewayExitError) return error;
      throw error;
    }
    throw new Error('the gateway started although it should have refused to');
  }

  /** Resident memory of the gateway process, from /proc (Linux). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (!kb) throw new Error('VmRSS not found in /proc status');
    return Number(kb) * 1024;
  }

  /** Sends `signal` to the process (the orchestrator's SIGTERM by default) without waiting for anything. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code once the process is gone (null if a signal killed it). */
  exitCode(): Promise<number | null> {
    return this.exited;
  }

  /** Resolves once the process logged a line matching `pattern` (checked every 10 ms), or rejects after `timeoutMs`. */
  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline)
        throw new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop({ flushRedis = true } = {}): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (flushRedis) await deleteKeys(this.redisPrefix);
  }

  /** Admin API call with the bootstrap key. */
  async admin(method: string, pathName: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(this.url + pathName, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  /** A fresh tenant with one key; returns the secret. */
  async createTenantKey(name = 'test tenant'): Promise<{ tenantId: string; keyId: string; key: string }> {
    const tenant = await this.admin('POST', '/admin/tenants', { name });
    const tenantId = (tenant.body as { id: string }).id;
    const created = await this.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'test key' });
    const { id, key } = created.body as { id: string; key: string };
    return { tenantId, keyId: id, key };
  }
}

export class GatewayExitError extends Error {
  constructor(
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`gateway exited with code ${code}:\n${output}`);
  }
}

function writeConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-e2e-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

function pickEnv(names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
}

/** Deletes every key under `prefix`, and under `{<prefix>…` (BullMQ's hash-tagged prefix on a cluster). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = openTestRedis({ lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = [...(await scanKeys(redis, `${prefix}*`)), ...(await scanKeys(redis, `{${prefix}*`))];
    await deleteFullKeys(redis, keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * `config` pointed at the test Redis: unchanged against the single Redis (`REDIS_URL` is in the
 * environment), with `redis.mode: cluster` and the seed nodes in the `cluster` Jest project, unless the
 * test chose a `redis.mode` itself.
 */
export function withTestRedisMode(config: Record<string, unknown>): Record<string, unknown> {
  const target = testRedisTarget();
  const redis = (config.redis ?? {}) as Record<string, unknown>;
  if (target.mode === 'single' || redis.mode !== undefined) return config;
  return { ...config, redis: { ...redis, mode: 'cluster', nodes: target.nodes } };
}
