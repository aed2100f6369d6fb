import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { GracefulShutdown } from '../infra/graceful-shutdown';
import { GATEWAY_CONFIG, REDIS } from '../infra/tokens';

/**
 * `/healthz`: the process is up (liveness). `/readyz`: config loaded (it is, or the process would not
 * have booted), Redis answers PING within a second (on a Redis Cluster: a node says `cluster_state:ok`,
 * since a node of a failed cluster still answers PING but refuses every key), and the process is not
 * shutting down (readiness: take
 * the replica out of rotation otherwise; from SIGTERM on it says `draining`, with a 503). Unauthenticated,
 * and they reveal nothing but ok / not ok.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly shutdown: GracefulShutdown,
  ) {}

  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    if (this.shutdown.draining) {
      void reply.status(503);
      return { status: 'draining', checks: { config: 'ok', shutdown: 'draining' } };
    }
    const redis = await this.pingRedis();
    const ready = redis === 'ok';
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', checks: { config: 'ok', redis } };
  }

  private async pingRedis(): Promise<'ok' | 'unreachable'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'unreachable'>((resolve) => (timer = setTimeout(() => resolve('unreachable'), 1_000)));
    try {
      return await Promise.race([this.check(), timeout]);
    } catch {
      return 'unreachable';
    } finally {
      clearTimeout(timer);
    }
  }

  private async check(): Promise<'ok' | 'unreachable'> {
    if (this.config.redis.mode !== 'cluster') return (await this.redis.ping()) === 'PONG' ? 'ok' : 'unreachable';
    const info = String(await this.redis.call('CLUSTER', 'INFO'));
    return /^cluster_state:ok\s*$/m.test(info) ? 'ok' : 'unreachable';
  }
}
