import type { Redis } from 'ioredis';
import { execAll, isHash } from './redis-results';
import type { ApiKeyRecord, KeyScope, Principal } from '../tenancy.types';

/**
 * Keys (under the client's key prefix):
 * - `apikey:{keyId}`         hash `{ id, tenant_id, name, scope, created_at, redacted_value, secret_hash }`
 * - `apikey-secret:{sha256}` JSON `{ key_id, tenant_id, scope }`: the one read on every authenticated request
 * - `tenant:{id}:apikeys`    set of the tenant's key ids
 *
 * Writes and revocations are MULTI transactions, so a key is either fully usable or fully gone.
 */
export class ApiKeyRepository {
  constructor(private readonly redis: Redis) {}

  async create(record: ApiKeyRecord, secretHash: string): Promise<void> {
    await execAll(
      this.redis
        .multi()
        .hset(`apikey:${record.id}`, {
          id: record.id,
          tenant_id: record.tenantId,
          name: record.name,
          scope: record.scope,
          created_at: record.createdAt,
          redacted_value: record.redactedValue,
          secret_hash: secretHash,
        })
        .set(
          `apikey-secret:${secretHash}`,
          JSON.stringify({ key_id: record.id, tenant_id: record.tenantId, scope: record.scope }),
        )
        .sadd(`tenant:${record.tenantId}:apikeys`, record.id),
    );
  }

  async findBySecretHash(secretHash: string): Promise<Principal | null> {
    const raw = await this.redis.get(`apikey-secret:${secretHash}`);
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as { key_id: string; tenant_id: string; scope?: KeyScope };
    return { keyId: parsed.key_id, tenantId: parsed.tenant_id, scope: parsed.scope ?? 'client' };
  }

  async get(keyId: string): Promise<ApiKeyRecord | null> {
    const hash = await this.redis.hgetall(`apikey:${keyId}`);
    return hash.id ? toRecord(hash) : null;
  }

  async listForTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(`tenant:${tenantId}:apikeys`);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(`apikey:${id}`);
    const results = await execAll(pipeline);
    return results
      .flatMap((hash) => (isHash(hash) && hash.id ? [toRecord(hash)] : []))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Deletes the key; returns the revoked record, or null if no such key exists. */
  async revoke(keyId: string): Promise<ApiKeyRecord | null> {
    const hash = await this.redis.hgetall(`apikey:${keyId}`);
    if (!hash.id) return null;
    await execAll(
      this.redis
        .multi()
        .del(`apikey-secret:${hash.secret_hash ?? ''}`)
        .del(`apikey:${keyId}`)
        .srem(`tenant:${hash.tenant_id ?? ''}:apikeys`, keyId),
    );
    return toRecord(hash);
  }
}

function toRecord(hash: Record<string, string>): ApiKeyRecord {
  return {
    id: hash.id ?? '',
    tenantId: hash.tenant_id ?? '',
    name: hash.name ?? '',
    scope: hash.scope === 'billing' ? 'billing' : 'client',
    createdAt: Number(hash.created_at),
    redactedValue: hash.redacted_value ?? '',
  };
}
