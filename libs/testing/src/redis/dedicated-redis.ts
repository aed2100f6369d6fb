import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/**
 * A `redis-server` of the test's own on a free loopback port, for fault injection that must not disturb
 * the shared Redis other suites use: stop it, freeze it (SIGSTOP), start it again on the same port with
 * the data it had (`stop()` saves to its own temporary directory, persistence is otherwise off).
 * `destroy()` kills it and removes the directory; call it in `afterAll`.
 */
export class DedicatedRedis {
  private child: ChildProcess | null = null;
  private frozen = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<DedicatedRedis> {
    const redis = new DedicatedRedis(await freePort(), mkdtempSync(path.join(tmpdir(), 'voxgate-redis-')));
    await redis.restart();
    return redis;
  }

  /** Starts the server (again), loading what `stop()` saved, and resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('DedicatedRedis: already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', [...args, '--dir', this.dir, '--dbfilename', 'dump.rdb'], {
      stdio: 'ignore',
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (await this.answers()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not answer`);
  }

  /** `SHUTDOWN SAVE`: Redis refuses connections from now on; `restart()` brings the data back. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.connect();
    await client.call('SHUTDOWN', 'SAVE').catch(() => undefined);
    client.disconnect();
    await exited;
  }

  /** SIGSTOP: connections stay open, nothing answers. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT after `freeze()`. */
  thaw(): void {
    this.child?.kill('SIGCONT');
    this.frozen = false;
  }

  async destroy(): Promise<void> {
    const child = this.child;
    if (child) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (this.frozen) child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async answers(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
