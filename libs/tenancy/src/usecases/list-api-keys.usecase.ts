import { Errors } from '@voxgate/openai-wire';
import type { ApiKeyRepository } from '../repositories/api-key.repository';
import type { TenantRepository } from '../repositories/tenant.repository';
import type { ApiKeyRecord } from '../tenancy.types';

export class ListApiKeys {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly keys: ApiKeyRepository,
  ) {}

  async execute(tenantId: string): Promise<ApiKeyRecord[]> {
    if (!(await this.tenants.exists(tenantId))) throw Errors.notFound('tenant', tenantId);
    return this.keys.listForTenant(tenantId);
  }
}
