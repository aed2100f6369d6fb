import type { GatewayConfig } from '@voxgate/config';
import type { Redis } from 'ioredis';
import { openRedis } from './redis-connection';
import type { JsonLogger } from './json-logger';

/**
 * The shared Redis client, configured to fail fast so a Redis fault is a quick 503 `store_unavailable`,
 * never a hung request:
 *
 * - `commandTimeout`: a command written to a Redis that does not answer (frozen, partitioned) fails after
 *   `redis.commandTimeoutMs`.
 * - `enableOfflineQueue: false`: while the connection is down a command fails at once instead of waiting in
 *   a queue. This also means a command that already failed for its caller is never sent later, behind its
 *   back, when the connection comes back (a queued write would otherwise land after the request gave up).
 * - no auto-pipelining, so each command's timeout starts when it is issued: it holds a tick's commands until
 *   the previous auto-pipeline has its answers, so against a frozen Redis a command would wait one timeout
 *   for its predecessors before its own started. Commands are still written without waiting for earlier
 *   replies (plain Redis pipelining).
 * - reconnection runs in the background, so the first command after Redis returns works.
 *
 * In `cluster` mode this is a `Cluster` client. It is handed out typed as `Redis` because the repositories
 * use only what both share (commands, `multi`, `pipeline`, `defineCommand`, `status` and the connection
 * events): on a cluster each command, script and transaction is routed by the slot of its keys, which is
 * why every multi-key script and MULTI stays in one slot (`{t:<tenant>}` tags, docs/redis.md).
 *
 * Errors are logged at most every 10 s; `/readyz` reports the outage meanwhile. `RedisLifecycle` waits
 * (bounded) for the first connection at boot, since commands issued before it would fail.
 */
export function createRedis(config: GatewayConfig, logger: JsonLogger): Redis {
  const redis = openRedis(config.redis, 'commands');
  let lastReport = 0;
  const report = (error: Error) => {
    const now = Date.now();
    if (now - lastReport < 10_000) return;
    lastReport = now;
    logger.event('warn', 'redis unavailable', { error: error.message });
  };
  redis.on('error', report);
  // A cluster reports a lost node on its own event; the cluster as a whole may still be up.
  redis.on('node error', report);
  return redis as Redis;
}

/**
 * Resolves once `redis` is connected, or after `ms` (the gateway then starts not ready, and `/readyz`
 * says so). Without an offline queue, commands sent before the first connection would fail.
 */
export async function connectedWithin(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', (onReady = () => resolve(true)))),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  if (onReady) redis.off('ready', onReady);
  return ready;
}

/**
 * In `single` mode, refuses a server that runs in cluster mode (`INFO cluster` says `cluster_enabled:1`):
 * it would answer PING (so `/readyz` would say ready) and then refuse every multi-key write of a tenant
 * whose keys another node owns. Returns the message to stop the boot with, or null when all is well (or
 * the server could not be asked, which the readiness check reports on its own).
 */
export async function clusterMismatch(redis: Redis, mode: GatewayConfig['redis']['mode']): Promise<string | null> {
  if (mode !== 'single') return null;
  const info = await redis.info('cluster').catch(() => '');
  if (!/^cluster_enabled:1\s*$/m.test(info)) return null;
  return (
    'redis.url points at a Redis Cluster node (INFO cluster: cluster_enabled:1), but redis.mode is single. ' +
    'Set redis.mode: cluster and list the nodes in redis.nodes (docs/redis.md).'
  );
}
