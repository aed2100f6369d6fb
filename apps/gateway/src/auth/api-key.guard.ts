import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GatewayError } from '@voxgate/openai-wire';
import { AuthenticateApiKey, AuthenticateKeyId, type KeyScope } from '@voxgate/tenancy';
import type { FastifyRequest } from 'fastify';
import { InternalCaller } from './internal-caller';
import { REQUIRED_SCOPE } from './require-scope.decorator';

/**
 * Client routes (`/v1/*`): a tenant key in `Authorization: Bearer`, or OpenAI's 401 `invalid_api_key`;
 * then the key's scope must match the route's (`@RequireScope`, default `client`), or 403. Requests the
 * process sends to itself (batch lines) run as a key named by id instead (`InternalCaller`), which must
 * still exist.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authenticate: AuthenticateApiKey,
    private readonly reflector: Reflector,
    private readonly internal: InternalCaller,
    private readonly authenticateKeyId: AuthenticateKeyId,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const internalKeyId = this.internal.keyIdOf(request.headers);
    const principal =
      internalKeyId === null
        ? await this.authenticate.execute(request.headers.authorization)
        : await this.authenticateKeyId.execute(internalKeyId);
    const required =
      this.reflector.getAllAndOverride<KeyScope | undefined>(REQUIRED_SCOPE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'client';
    if (principal.scope !== required) {
      throw new GatewayError(
        403,
        'invalid_request_error',
        'insufficient_permissions',
        `This key has the '${principal.scope}' scope; this endpoint needs a key with the '${required}' scope.`,
      );
    }
    request.principal = principal;
    return true;
  }
}
