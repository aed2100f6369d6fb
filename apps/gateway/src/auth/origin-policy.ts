import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { Errors } from '@voxgate/openai-wire';
import { TenantRepository } from '@voxgate/tenancy';
import type { IncomingHttpHeaders } from 'node:http';
import { GATEWAY_CONFIG } from '../infra/tokens';

/**
 * The per-tenant half of CORS (ADR 0015): a request that carries an `Origin` header (a browser page, or a
 * WebSocket handshake from one) is served only if that origin is the gateway's own (same origin: the
 * page was served by this gateway) or is in the tenant's `cors_origins`; otherwise 403
 * `origin_not_allowed`. Requests without `Origin` (servers, the SDKs under Node) are not affected, and pay
 * nothing: the tenant's list is read (one HGET) only when an `Origin` is present.
 */
@Injectable()
export class OriginPolicy {
  private readonly secure: boolean;

  constructor(
    private readonly tenants: TenantRepository,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.secure = config.server.tls !== undefined;
  }

  async check(headers: IncomingHttpHeaders, tenantId: string): Promise<void> {
    const origin = headers.origin;
    if (origin === undefined) return;
    if (headers.host !== undefined && origin === `${this.secure ? 'https' : 'http'}://${headers.host}`) return;
    const allowed = await this.tenants.corsOrigins(tenantId);
    if (!allowed.includes(origin)) throw Errors.originNotAllowed(origin);
  }
}
