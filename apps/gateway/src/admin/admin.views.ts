import type { ApiKeyRecord, Tenant } from '@voxgate/tenancy';

/** JSON shapes of the admin API, snake_case like the rest of the wire. */
export const tenantView = (tenant: Tenant) => ({
  object: 'tenant' as const,
  id: tenant.id,
  name: tenant.name,
  created_at: tenant.createdAt,
  cors_origins: [...(tenant.corsOrigins ?? [])],
});

export const apiKeyView = (key: ApiKeyRecord) => ({
  object: 'api_key' as const,
  id: key.id,
  tenant_id: key.tenantId,
  name: key.name,
  created_at: key.createdAt,
  redacted_value: key.redactedValue,
});
