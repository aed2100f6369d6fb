import { Errors } from '@voxgate/openai-wire';
import type { ApiKeyRepository } from '../repositories/api-key.repository';
import type { TenantRepository } from '../repositories/tenant.repository';
import type { QuotaRepository, QuotaScope } from './quota.repository';
import type { QuotaLimits } from './quota-limits';

/**
 * Replaces a tenant's (or one key's) limits. Effective on the next request on every replica: admission
 * reads the limits inside its script.
 */
export class SetQuotas {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly keys: ApiKeyRepository,
    private readonly quotas: QuotaRepository,
  ) {}

  async forTenant(tenantId: string, limits: QuotaLimits): Promise<QuotaLimits> {
    if (!(await this.tenants.exists(tenantId))) throw Errors.notFound('tenant', tenantId);
    return this.write({ kind: 'tenant', tenantId }, limits);
  }

  async forKey(keyId: string, limits: QuotaLimits): Promise<QuotaLimits> {
    const key = await this.keys.get(keyId);
    if (!key) throw Errors.notFound('api_key', keyId);
    return this.write({ kind: 'key', tenantId: key.tenantId, keyId }, limits);
  }

  async readTenant(tenantId: string): Promise<QuotaLimits> {
    if (!(await this.tenants.exists(tenantId))) throw Errors.notFound('tenant', tenantId);
    return this.quotas.getLimits({ kind: 'tenant', tenantId });
  }

  async readKey(keyId: string): Promise<QuotaLimits> {
    const key = await this.keys.get(keyId);
    if (!key) throw Errors.notFound('api_key', keyId);
    return this.quotas.getLimits({ kind: 'key', tenantId: key.tenantId, keyId });
  }

  private async write(scope: QuotaScope, limits: QuotaLimits): Promise<QuotaLimits> {
    await this.quotas.setLimits(scope, limits);
    return this.quotas.getLimits(scope);
  }
}
