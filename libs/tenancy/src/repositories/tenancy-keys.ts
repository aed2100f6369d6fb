/**
 * The Redis keys of tenants and API keys (under the client's key prefix), built in one place so the
 * hash tags cannot drift:
 *
 * - `tenant:{t:<tenant>}`          hash `{ id, name, created_at, cors_origins }` (`cors_origins`: JSON array)
 * - `tenant:{t:<tenant>}:apikeys`  set of the tenant's key ids
 * - `tenants`                      sorted set of tenant ids by creation time (the listing order)
 * - `apikey:<key id>`              hash `{ id, tenant_id, name, scope, created_at, redacted_value, secret_hash }`
 * - `apikey-secret:<sha256>`       JSON `{ key_id, tenant_id, scope }`: the one read on every authenticated request
 *
 * - `tenant:{t:<tenant>}:client-secret:<sha256>` JSON `{ id, key_id, model, session, expires_at }`, TTL = the secret's life
 * - `tenant:{t:<tenant>}:client-secret-id:<cs id>` the same secret's hash (revocation by id), same TTL
 *
 * `{t:<tenant>}` is the tag every per-tenant key of Voxgate carries (quotas, usage, sessions, tools,
 * files, batches), so all of a tenant's keys share one Redis Cluster slot. `tenants`, `apikey:<id>` and
 * `apikey-secret:<hash>` are looked up without knowing the tenant (listing, by key id, by secret), so
 * they live in slots of their own, and the writes that touch them are ordered single-key commands rather
 * than one transaction (see `TenantRepository.create`, `ApiKeyRepository.create` and `revoke`).
 */
export const tenancyKeys = {
  tenant: (tenantId: string) => `tenant:{t:${tenantId}}`,
  tenantApiKeys: (tenantId: string) => `tenant:{t:${tenantId}}:apikeys`,
  tenants: () => 'tenants',
  apiKey: (keyId: string) => `apikey:${keyId}`,
  apiKeySecret: (secretHash: string) => `apikey-secret:${secretHash}`,
  clientSecret: (tenantId: string, secretHash: string) => `tenant:{t:${tenantId}}:client-secret:${secretHash}`,
  clientSecretId: (tenantId: string, secretId: string) => `tenant:{t:${tenantId}}:client-secret-id:${secretId}`,
} as const;
