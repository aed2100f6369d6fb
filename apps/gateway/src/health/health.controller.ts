import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { REDIS } from '../infra/tokens';

/**
 * `/healthz`: the process is up (liveness). `/readyz`: config loaded (it is, or the process would not
 * have booted) and Redis answers PING within a second (readiness: take the replica out of rotation
 * otherwise). Unauthenticated, and they reveal nothing but ok / not ok.
 */
@Controller()
export class HealthController {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const redis = await this.pingRedis();
    const ready = redis === 'ok';
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', checks: { config: 'ok', redis } };
  }

  private async pingRedis(): Promise<'ok' | 'unreachable'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'unreachable'>((resolve) => (timer = setTimeout(() => resolve('unreachable'), 1_000)));
    try {
      return await Promise.race([this.redis.ping().then((): 'ok' => 'ok'), timeout]);
    } catch {
      return 'unreachable';
    } finally {
      clearTimeout(timer);
    }
  }
}
