import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ModelCatalog } from '@voxgate/conversation';
import { Errors, GatewayError } from '@voxgate/openai-wire';
import { AuthenticateApiKey, type ClientSecretGrant, type KeyScope, type Principal } from '@voxgate/tenancy';
import type { FastifyRequest } from 'fastify';
import { ALLOWS_CLIENT_SECRET } from './allow-client-secret.decorator';
import { OriginPolicy } from './origin-policy';
import { REQUIRED_SCOPE } from './require-scope.decorator';

/**
 * Client routes (`/v1/*`): a tenant key in `Authorization: Bearer`, or OpenAI's 401 `invalid_api_key`;
 * then the key's scope must match the route's (`@RequireScope`, default `client`), or 403.
 *
 * A client secret (`ek_…`) authenticates as the key that minted it, but only on routes marked
 * `@AllowClientSecret()`, with its own model in the body and without `X-Session-Id`; anything else is
 * 403. A request with an `Origin` header must come from an origin the tenant allows (`OriginPolicy`).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** The route's rules from its decorators, read once per route instead of on every request. */
  private readonly rules = new WeakMap<object, WeakMap<object, RouteRules>>();

  constructor(
    private readonly authenticate: AuthenticateApiKey,
    private readonly reflector: Reflector,
    private readonly origins: OriginPolicy,
    private readonly models: ModelCatalog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.authorize(context.switchToHttp().getRequest<FastifyRequest>(), this.rulesOf(context));
    return true;
  }

  /**
   * The guard's whole check, for a route registered on Fastify directly (`POST /v1/chat/completions`):
   * resolves with the principal (also set as `request.principal`) or throws the 401/403.
   */
  async authorize(request: FastifyRequest, rules: RouteRules): Promise<Principal> {
    const principal = await this.authenticate.execute(request.headers.authorization);
    const { required, allowsClientSecret } = rules;
    if (principal.scope !== required) {
      throw new GatewayError(
        403,
        'invalid_request_error',
        'insufficient_permissions',
        `This key has the '${principal.scope}' scope; this endpoint needs a key with the '${required}' scope.`,
      );
    }
    if (principal.clientSecret) {
      if (!allowsClientSecret) throw Errors.clientSecretNotAllowed('this endpoint needs an API key.');
      this.checkGrant(principal.clientSecret, request);
    }
    // Most callers send no Origin: they skip the (async) policy altogether.
    if (request.headers.origin !== undefined) await this.origins.check(request.headers, principal.tenantId);
    request.principal = principal;
    return principal;
  }

  private rulesOf(context: ExecutionContext): RouteRules {
    // Keyed by class and handler: an inherited handler may serve classes with different decorators.
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.rules.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.rules.set(controller, byHandler);
    }
    let rules = byHandler.get(handler);
    if (!rules) {
      const targets = [handler, controller];
      rules = {
        required: this.reflector.getAllAndOverride<KeyScope | undefined>(REQUIRED_SCOPE, targets) ?? 'client',
        allowsClientSecret:
          this.reflector.getAllAndOverride<boolean | undefined>(ALLOWS_CLIENT_SECRET, targets) === true,
      };
      byHandler.set(handler, rules);
    }
    return rules;
  }

  private checkGrant(grant: ClientSecretGrant, request: FastifyRequest): void {
    if (request.headers['x-session-id'] !== undefined) {
      throw Errors.clientSecretNotAllowed('server-side sessions (X-Session-Id) need an API key.');
    }
    const body = request.body as { model?: unknown } | undefined;
    const model = typeof body === 'object' && body !== null ? body.model : undefined;
    if (typeof model !== 'string' || this.snapshotOf(model) !== this.snapshotOf(grant.model)) {
      throw Errors.clientSecretNotAllowed(`this one is bound to the model '${grant.model}'.`);
    }
  }

  /** The dated snapshot an alias stands for, so a secret minted for an alias accepts its snapshot too. */
  private snapshotOf(model: string): string {
    try {
      return this.models.resolve(model).snapshot;
    } catch {
      return model;
    }
  }
}

export interface RouteRules {
  /** The scope a key needs (`@RequireScope`, default `client`). */
  readonly required: KeyScope;
  /** Client secrets accepted too (`@AllowClientSecret()` on the handler or its class). */
  readonly allowsClientSecret: boolean;
}
