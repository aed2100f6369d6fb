import type { GatewayConfig } from '@voxgate/config';
import { Redis } from 'ioredis';
import type { JsonLogger } from './json-logger';

/**
 * The shared Redis client. Commands fail after two reconnect attempts instead of queueing for ever, so a
 * Redis outage turns into fast 503s rather than hung requests; `/readyz` reports it.
 */
export function createRedis(config: GatewayConfig, logger: JsonLogger): Redis {
  const redis = new Redis(config.redis.url, {
    keyPrefix: config.redis.keyPrefix,
    maxRetriesPerRequest: 2,
    // Commands issued in the same tick share one round trip (settle + record at the end of a request).
    enableAutoPipelining: true,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
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
