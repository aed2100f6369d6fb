import { availableParallelism } from 'node:os';
import type { GatewayConfig } from '@voxgate/config';

/** `server.workers` as a number of processes: `auto` is one per core Node may use (at least 1). */
export function workerCount(setting: GatewayConfig['server']['workers'], cores = availableParallelism()): number {
  return setting === 'auto' ? Math.max(1, cores) : setting;
}

/** The environment variable carrying a worker's slot (0 … N-1) from the primary to the worker it forks. */
export const WORKER_INDEX_ENV = 'VOXGATE_WORKER_INDEX';

/**
 * This process's worker slot: 0 … N-1 in a cluster worker (stable across restarts: a worker forked again
 * in place of a dead one takes its slot), `null` when the process serves alone.
 */
export function workerIndexOf(env: NodeJS.ProcessEnv, isWorker: boolean): number | null {
  if (!isWorker) return null;
  const index = Number(env[WORKER_INDEX_ENV]);
  return Number.isInteger(index) && index >= 0 ? index : null;
}
