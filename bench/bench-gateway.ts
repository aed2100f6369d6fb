import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The built gateway as a benchmark drives it: its URL, one tenant key, its pid (for RSS), and `stop`. */
export interface BenchGateway {
  readonly url: string;
  readonly key: string;
  readonly pid: number;
  /** The tenant that owns `key`, and the admin key (e.g. to set the tenant's quotas). */
  readonly tenantId: string;
  readonly adminKey: string;
  /**
   * Stops the process (SIGTERM, then waits until it exited), removes its config file and every Redis key
   * under its prefix.
   */
  stop(): Promise<void>;
}

/**
 * Starts the built gateway (`npm run build` first; benches compile to `dist/<bench>/bench/`) in front of
 * `upstreamUrl` as provider `bench` serving model `bench-model`, under a random Redis key prefix, and
 * creates one tenant with one key. `config` is merged over that (e.g. `{ telemetry: … }`). `node` adds
 * arguments before the gateway's script (e.g. `--require` a probe) and variables to its environment.
 */
export async function startBenchGateway(
  upstreamUrl: string,
  config: Record<string, unknown> = {},
  node: {
    readonly args?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    /** The gateway's `main.js` (default: this build's); another build's to compare two (`ab-builds.bench.ts`). */
    readonly main?: string;
  } = {},
): Promise<BenchGateway> {
  const adminKey = randomBytes(16).toString('hex');
  const prefix = `vgbench:${randomBytes(4).toString('hex')}:`;
  const configFile = path.join(tmpdir(), `voxgate-bench-${process.pid}-${randomBytes(4).toString('hex')}.yaml`);
  writeFileSync(
    configFile,
    JSON.stringify({
      providers: { bench: { type: 'openai', baseUrl: upstreamUrl, apiKey: 'sk-bench', maxRetries: 0 } },
      models: [{ id: 'bench-model', provider: 'bench', pricing: { textInput: 1, textOutput: 2 } }],
      ...config,
    }),
  );
  const main = node.main ?? path.resolve(__dirname, '../../apps/gateway/src/main.js');
  const child = spawn(process.execPath, [...(node.args ?? []), main], {
    env: {
      ...process.env,
      ...node.env,
      PORT: '0',
      VOXGATE_CONFIG: configFile,
      VOXGATE_ADMIN_KEY: adminKey,
      VOXGATE_REDIS_PREFIX: prefix,
      REDIS_URL,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    // Drained before its keys go and before the caller stops Redis: a gateway still settling when Redis
    // went away would log its last usage as lost (`outbox.lost`) and write keys after they were deleted.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(forced);
    }
    rmSync(configFile, { force: true });
    const redis = new Redis(REDIS_URL);
    const found = await redis.keys(`${prefix}*`);
    // In slices: a long run leaves hundreds of thousands of keys, too many arguments for one call.
    for (let from = 0; from < found.length; from += 1000) await redis.del(...found.slice(from, from + 1000));
    redis.disconnect();
  };
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        output += data.toString();
        const match = /"msg":"listening","url":"([^"]+)"/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error(`gateway exited:\n${output}`)));
    });
    // From here on the access log is only drained: a listener that kept collecting it (and matching the
    // whole text on every write) made this process, where autocannon runs, slower with every request.
    child.stdout.removeAllListeners('data');
    output = '';
    child.stdout.resume();
    const admin = (route: string, body: unknown) =>
      fetch(url + route, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((response) => response.json() as Promise<{ id: string; key: string }>);
    const tenant = await admin('/admin/tenants', { name: 'bench' });
    const { key } = await admin(`/admin/tenants/${tenant.id}/keys`, { name: 'bench' });
    return { url, key, pid: child.pid!, tenantId: tenant.id, adminKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
