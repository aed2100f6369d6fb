import { spawn } from 'node:child_process';
import path from 'node:path';

/** The repository root, where `npx voxgate` resolves the package's own `bin`. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** The admin CLI as `npm run build` compiles it. */
export const CLI_MAIN = path.join(REPO_ROOT, 'dist/apps/cli/src/main.js');

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args…` to completion with exactly `env` (plus PATH and HOME) and optional stdin text, and
 * resolves with its exit code and output. Fails after `timeoutMs`, killing the process.
 */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const result = await runProcessRaw(command, args, options);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** `runProcess` keeping stdout as bytes (a program that writes audio to stdout). */
export function runProcessRaw(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const env = {
    ...Object.fromEntries(['PATH', 'HOME'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
    ...options.env,
  };
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd ?? REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => stdout.push(data));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const output = `${Buffer.concat(stdout).toString('utf8')}\n${stderr}`;
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout), stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** `voxgate args…` (the built CLI) with `env`. */
export function runVoxgate(
  args: readonly string[],
  env: Record<string, string>,
  options: { stdin?: string } = {},
): Promise<ProcessResult> {
  return runProcess(process.execPath, [CLI_MAIN, ...args], { ...options, env });
}
