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
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const env = {
    ...Object.fromEntries(['PATH', 'HOME'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd ?? REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms:\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
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
