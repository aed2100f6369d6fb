import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { REDIS_URL, withTestRedisMode } from './gateway-process';

const MAIN = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

/** The built dedicated batch worker (`npm run start:worker`) as a child process, sharing a gateway's Redis prefix. */
export class WorkerProcess {
  output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
  ) {}

  static async start(options: { redisPrefix: string; config: Record<string, unknown> }): Promise<WorkerProcess> {
    const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-worker-'));
    const configFile = path.join(dir, 'config.yaml');
    writeFileSync(configFile, stringify(withTestRedisMode(options.config)));
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_URL,
        VOXGATE_REDIS_PREFIX: options.redisPrefix,
        VOXGATE_CONFIG: configFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const worker = new WorkerProcess(child, exited);
    child.stdout?.on('data', (data: Buffer) => (worker.output += data.toString()));
    child.stderr?.on('data', (data: Buffer) => (worker.output += data.toString()));
    const deadline = Date.now() + 15_000;
    while (!worker.output.includes('"msg":"worker ready"')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${worker.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return worker;
  }

  /** SIGTERM, as an orchestrator stops it (Nest re-raises the signal after its shutdown hooks ran). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
