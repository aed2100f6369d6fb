import { Errors } from '@voxgate/openai-wire';
import type { TenantRepository } from '@voxgate/tenancy';

/** Tenant-scoped admin routes answer 404 `tenant_not_found` for a tenant that does not exist. */
export async function tenantMustExist(tenants: TenantRepository, tenantId: string): Promise<void> {
  if (!(await tenants.exists(tenantId))) throw Errors.notFound('tenant', tenantId);
}
