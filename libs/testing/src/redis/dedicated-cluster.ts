import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './dedicated-redis';

const run = promisify(execFile);

/**
 * A Redis Cluster of the test's own (three masters on loopback, no replicas, no persistence), for fault
 * injection that must not disturb the shared cluster: `kill(i)` stops a master, `restart(i)` brings it back
 * (empty). Nodes declare each other failed after two seconds (`cluster-node-timeout 2000`), so a lost master
 * turns into `cluster_state:fail` quickly. `destroy()` kills every node; call it in `afterAll`.
 */
export class DedicatedCluster {
  private readonly children: (ChildProcess | null)[] = [];

  private constructor(
    readonly ports: readonly number[],
    private readonly dir: string,
  ) {}

  /** Seed URLs, as `redis.nodes` lists them. */
  get nodes(): string[] {
    return this.ports.map((port) => `redis://127.0.0.1:${port}`);
  }

  static async start(): Promise<DedicatedCluster> {
    // The cluster bus listens on port + 10000, so keep the ports below 55536.
    const ports: number[] = [];
    while (ports.length < 3) {
      const port = await freePort();
      if (port < 55_536 && !ports.includes(port)) ports.push(port);
    }
    const cluster = new DedicatedCluster(ports, mkdtempSync(path.join(tmpdir(), 'voxgate-cluster-')));
    try {
      for (let index = 0; index < ports.length; index += 1) await cluster.restart(index);
      await run('redis-cli', [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await cluster.waitForState('ok');
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** Starts node `index` (again, with its cluster identity) and resolves once it answers PING. */
  async restart(index: number): Promise<void> {
    const port = this.ports[index];
    if (port === undefined || this.children[index]) throw new Error(`DedicatedCluster: node ${index} is running`);
    const dir = path.join(this.dir, String(port));
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf')],
        ...['--cluster-node-timeout', '2000'],
      ],
      { stdio: 'ignore' },
    );
    this.children[index] = child;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await this.info(port, 'PING')) === 'PONG') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`cluster node on port ${port} did not answer`);
  }

  /** SIGKILLs node `index`: its slots are unreachable, then (after two seconds) the cluster fails. */
  async kill(index: number): Promise<void> {
    const child = this.children[index];
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.children[index] = null;
  }

  /** Resolves once every running node reports `cluster_state:<state>` (within 20 s). */
  async waitForState(state: 'ok' | 'fail'): Promise<void> {
    const running = this.ports.filter((_, index) => this.children[index]);
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const infos = await Promise.all(running.map((port) => this.info(port, 'CLUSTER', 'INFO')));
      if (infos.every((info) => info.includes(`cluster_state:${state}`))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the cluster did not reach cluster_state:${state}`);
  }

  async destroy(): Promise<void> {
    for (let index = 0; index < this.children.length; index += 1) await this.kill(index);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async info(port: number, ...command: string[]): Promise<string> {
    const client = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      return String(await client.call(command[0] ?? 'PING', ...command.slice(1)));
    } catch {
      return '';
    } finally {
      client.disconnect();
    }
  }
}
