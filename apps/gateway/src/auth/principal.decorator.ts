import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@voxgate/tenancy';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `ApiKeyGuard` once the bearer key is verified. */
    principal?: Principal;
  }
}

/** The caller established by `ApiKeyGuard`; only valid on routes that use the guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without ApiKeyGuard');
  return principal;
});
