import type { Redis } from 'ioredis';
import { tenancyKeys } from '../repositories/tenancy-keys';
import type { ClientSecretGrant } from '../tenancy.types';

/** A stored client secret: what it grants, and who minted it. */
export interface ClientSecretRecord extends ClientSecretGrant {
  readonly tenantId: string;
  /** The minting key: the secret authenticates as it (usage, quotas), and only while it exists. */
  readonly keyId: string;
}

interface StoredSecret {
  id: string;
  key_id: string;
  model: string;
  session: Record<string, unknown>;
  expires_at: number;
}

/**
 * Client secrets in Redis, under the tenant's hash tag (keys in `tenancy-keys.ts`): the grant by the
 * secret's SHA-256 (never the secret), and the hash by the secret's id for revocation, both expiring with
 * the secret. Both keys are in the tenant's slot, so creation and revocation are one MULTI each.
 */
export class ClientSecretRepository {
  constructor(private readonly redis: Redis) {}

  async create(record: ClientSecretRecord, secretHash: string, ttlMs: number): Promise<void> {
    const stored: StoredSecret = {
      id: record.id,
      key_id: record.keyId,
      model: record.model,
      session: { ...record.session },
      expires_at: record.expiresAt,
    };
    await this.redis
      .multi()
      .set(tenancyKeys.clientSecret(record.tenantId, secretHash), JSON.stringify(stored), 'PX', ttlMs)
      .set(tenancyKeys.clientSecretId(record.tenantId, record.id), secretHash, 'PX', ttlMs)
      .exec();
  }

  /**
   * The live secret with this hash, or null (unknown, revoked or expired). `nowSeconds` guards the
   * expiry to the second even if Redis's TTL fires a little late.
   */
  async find(tenantId: string, secretHash: string, nowSeconds: number): Promise<ClientSecretRecord | null> {
    const raw = await this.redis.get(tenancyKeys.clientSecret(tenantId, secretHash));
    if (raw === null) return null;
    const stored = JSON.parse(raw) as StoredSecret;
    if (stored.expires_at <= nowSeconds) return null;
    return {
      id: stored.id,
      tenantId,
      keyId: stored.key_id,
      model: stored.model,
      session: stored.session,
      expiresAt: stored.expires_at,
    };
  }

  /**
   * Revokes a secret by id; returns the revoked record, or null if the tenant has no live secret with
   * that id. With `keyId`, only a secret minted by that key is revoked (a key revokes its own secrets).
   */
  async revoke(tenantId: string, secretId: string, keyId?: string): Promise<ClientSecretRecord | null> {
    const secretHash = await this.redis.get(tenancyKeys.clientSecretId(tenantId, secretId));
    if (secretHash === null) return null;
    const record = await this.find(tenantId, secretHash, 0);
    if (!record || (keyId !== undefined && record.keyId !== keyId)) return null;
    await this.redis
      .multi()
      .del(tenancyKeys.clientSecret(tenantId, secretHash))
      .del(tenancyKeys.clientSecretId(tenantId, secretId))
      .exec();
    return record;
  }
}
