import type { Redis } from 'ioredis';
import { isHash } from './redis-results';
import { tenancyKeys } from './tenancy-keys';
import type { ApiKeyRecord, KeyScope, Principal } from '../tenancy.types';

/**
 * API keys: the record by key id, the secret lookup by hash, the tenant's set of key ids (keys in
 * `tenancy-keys.ts`). The three live in different Redis Cluster slots (each is looked up without the
 * others), so a write is a sequence of single-key commands ordered so that a key is usable only once it is
 * complete, and unusable from the first step of its revocation:
 *
 * - create: tenant set, record, then the secret lookup (the only thing authentication reads). A crash
 *   before the last step leaves a key nobody can use, whose secret nobody received (the create failed);
 * - revoke: the secret lookup first, then the record and the set entry. A crash after the first step
 *   leaves a listed key that no longer authenticates, and revoking it again finishes the job.
 */
export class ApiKeyRepository {
  /**
   * @param revocationChannel where `revoke` publishes the revoked key's secret hash, for the replicas'
   *   key caches (`CachedApiKeys`) to evict it at once; none: nothing is published.
   */
  constructor(
    private readonly redis: Redis,
    private readonly revocationChannel?: string,
  ) {}

  async create(record: ApiKeyRecord, secretHash: string): Promise<void> {
    await this.redis.sadd(tenancyKeys.tenantApiKeys(record.tenantId), record.id);
    await this.redis.hset(tenancyKeys.apiKey(record.id), {
      id: record.id,
      tenant_id: record.tenantId,
      name: record.name,
      scope: record.scope,
      created_at: record.createdAt,
      redacted_value: record.redactedValue,
      secret_hash: secretHash,
    });
    await this.redis.set(
      tenancyKeys.apiKeySecret(secretHash),
      JSON.stringify({ key_id: record.id, tenant_id: record.tenantId, scope: record.scope }),
    );
  }

  async findBySecretHash(secretHash: string): Promise<Principal | null> {
    const raw = await this.redis.get(tenancyKeys.apiKeySecret(secretHash));
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as { key_id: string; tenant_id: string; scope?: KeyScope };
    return { keyId: parsed.key_id, tenantId: parsed.tenant_id, scope: parsed.scope ?? 'client' };
  }

  async get(keyId: string): Promise<ApiKeyRecord | null> {
    const hash = await this.redis.hgetall(tenancyKeys.apiKey(keyId));
    return hash.id ? toRecord(hash) : null;
  }

  /** The tenant's keys, oldest first (one HGETALL per key, concurrently: each record has its own slot). */
  async listForTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(tenancyKeys.tenantApiKeys(tenantId));
    const hashes = await Promise.all(ids.map((id) => this.redis.hgetall(tenancyKeys.apiKey(id))));
    return hashes
      .flatMap((hash) => (isHash(hash) && hash.id ? [toRecord(hash)] : []))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /**
   * Deletes the key; returns the revoked record, or null if no such key exists. Once the secret lookup is
   * gone, the hash is published on the revocation channel. A publish that fails is not an error: the
   * caches' age bound (at most 1 s) still ends the key's use everywhere.
   */
  async revoke(keyId: string): Promise<ApiKeyRecord | null> {
    const hash = await this.redis.hgetall(tenancyKeys.apiKey(keyId));
    if (!hash.id) return null;
    if (hash.secret_hash) {
      await this.redis.del(tenancyKeys.apiKeySecret(hash.secret_hash));
      if (this.revocationChannel) await this.redis.publish(this.revocationChannel, hash.secret_hash).catch(() => 0);
    }
    await this.redis.del(tenancyKeys.apiKey(keyId));
    if (hash.tenant_id) await this.redis.srem(tenancyKeys.tenantApiKeys(hash.tenant_id), keyId);
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
