import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DedicatedRedis, freePort } from './dedicated-redis';

/**
 * A Redis master of the test's own and one Sentinel (`redis-server --sentinel`) on loopback that monitors it under
 * `masterName` (quorum 1), for testing `redis.mode: sentinel` for real. Resolves once the Sentinel reports
 * the master. `destroy()` stops both and removes their directory; call it in `afterAll`.
 */
export class DedicatedSentinel {
  readonly masterName = 'vgmaster';

  private constructor(
    readonly master: DedicatedRedis,
    readonly sentinelPort: number,
    private readonly sentinel: ChildProcess,
    private readonly dir: string,
  ) {}

  /** `host:port` of the Sentinel, as `redis.sentinels` lists it. */
  get sentinelAddress(): string {
    return `127.0.0.1:${this.sentinelPort}`;
  }

  static async start(): Promise<DedicatedSentinel> {
    const master = await DedicatedRedis.start();
    const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-sentinel-'));
    const port = await freePort();
    const config = path.join(dir, 'sentinel.conf');
    // Sentinel rewrites its config file, so it must be its own writable file.
    writeFileSync(
      config,
      [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor vgmaster 127.0.0.1 ${master.port} 1`, ''].join(
        '\n',
      ),
    );
    // `redis-server --sentinel` is what the `redis-sentinel` link runs; Debian's redis-server ships it.
    const sentinel = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    sentinel.once('error', () => undefined); // a missing binary shows as the Sentinel never answering
    const started = new DedicatedSentinel(master, port, sentinel, dir);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (await started.reportsMaster()) return started;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await started.destroy();
    throw new Error(`redis-sentinel on port ${port} did not report the master`);
  }

  async destroy(): Promise<void> {
    if (this.sentinel.exitCode === null) {
      const exited = new Promise((resolve) => this.sentinel.once('exit', resolve));
      this.sentinel.kill('SIGKILL');
      await exited;
    }
    await this.master.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async reportsMaster(): Promise<boolean> {
    const client = new Redis(this.sentinelPort, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      const address = (await client.call('SENTINEL', 'get-master-addr-by-name', this.masterName)) as string[] | null;
      return address?.[1] === String(this.master.port);
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
