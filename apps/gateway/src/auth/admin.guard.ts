import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { Errors } from '@voxgate/openai-wire';
import { bearerToken } from '@voxgate/tenancy';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG } from '../infra/tokens';

/**
 * Ops routes (`/admin/*`): the bootstrap `VOXGATE_ADMIN_KEY` as a bearer token. Compared in constant time
 * over fixed-length digests so neither content nor length leaks through timing.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.expected = config.admin.key ? digest(config.admin.key) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw Errors.adminDisabled();
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!token) throw Errors.missingApiKey();
    if (!timingSafeEqual(digest(token), this.expected)) throw Errors.invalidAdminKey();
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
