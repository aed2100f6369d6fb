import type { GatewayConfig } from '@voxgate/config';
import { Redis } from 'ioredis';
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
 * - no auto-pipelining, so each command's timeout starts when it is issued (see below).
 * - reconnection runs in the background (`retryStrategy`), so the first command after Redis returns works.
 *
 * Errors are logged at most every 10 s; `/readyz` reports the outage meanwhile. `RedisLifecycle` waits
 * (bounded) for the first connection at boot, since commands issued before it would fail.
 */
export function createRedis(config: GatewayConfig, logger: JsonLogger): Redis {
  const redis = new Redis(config.redis.url, {
    keyPrefix: config.redis.keyPrefix,
    commandTimeout: config.redis.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // No auto-pipelining: it holds a tick's commands until the previous auto-pipeline has its answers, so
    // against a frozen Redis a command would wait one timeout for its predecessors before its own started.
    // Commands are still written without waiting for earlier replies (plain Redis pipelining).
    enableAutoPipelining: false,
    connectTimeout: Math.max(config.redis.commandTimeoutMs, 1_000),
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  let lastReport = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastReport < 10_000) return;
    lastReport = now;
    logger.event('warn', 'redis unavailable', { error: error.message });
  });
  return redis;
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
