import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infra/tokens';
import { GatewayMetrics } from './gateway-metrics';

/**
 * Counts the shared Redis client's `error` events (connection refused, reset, DNS failures: one per failed
 * reconnection attempt while Redis is away) as `voxgate_redis_errors_total{kind="connection"}`. A
 * listener of its own, beside the one that logs.
 */
@Injectable()
export class RedisErrorMetrics implements OnModuleInit {
  constructor(
    @Inject(REDIS) private readonly redis: Pick<Redis, 'on'>,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.redis.on('error', () => this.metrics.redisError('connection'));
  }
}
