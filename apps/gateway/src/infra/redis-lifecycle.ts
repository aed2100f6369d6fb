import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import type { Redis } from 'ioredis';
import { JsonLogger } from './json-logger';
import { PendingWrites } from './pending-writes';
import { clusterMismatch, connectedWithin } from './redis.provider';
import { GATEWAY_CONFIG, REDIS } from './tokens';

/**
 * Waits (at most a few seconds) for the first Redis connection at boot, since the client has no offline
 * queue, and refuses to boot in `single` mode against a Redis Cluster node (see `clusterMismatch`). At
 * shutdown, after the HTTP server stopped taking requests, lets the outbox write (or spill) what
 * it holds, then closes the connection.
 */
@Injectable()
export class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly logger: JsonLogger,
    private readonly pending: PendingWrites,
  ) {}

  async onModuleInit(): Promise<void> {
    const waitMs = Math.max(3 * this.config.redis.commandTimeoutMs, 3_000);
    if (!(await connectedWithin(this.redis, waitMs))) {
      this.logger.event('warn', 'redis not connected at boot; starting not ready', { waitedMs: waitMs });
      return;
    }
    const mismatch = await clusterMismatch(this.redis, this.config.redis.mode);
    if (mismatch) {
      this.logger.event('error', 'redis mode mismatch', { message: mismatch });
      throw new Error(mismatch);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pending.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
