import type { Redis } from 'ioredis';
import { isHash } from './redis-results';
import { tenancyKeys } from './tenancy-keys';
import type { Tenant } from '../tenancy.types';

/** Tenants: one hash each, and the `tenants` index that lists them (keys in `tenancy-keys.ts`). */
export class TenantRepository {
  constructor(private readonly redis: Redis) {}

  /**
   * Stores a new tenant. The index and the hash live in different cluster slots, so they are two writes,
   * index first: a crash between them leaves an index entry without a tenant, which `list` skips and
   * nothing else reads. The other order could leave a tenant that exists but is never listed.
   */
  async create(tenant: Tenant): Promise<void> {
    await this.redis.zadd(tenancyKeys.tenants(), tenant.createdAt, tenant.id);
    await this.redis.hset(tenancyKeys.tenant(tenant.id), {
      id: tenant.id,
      name: tenant.name,
      created_at: tenant.createdAt,
      cors_origins: JSON.stringify(tenant.corsOrigins ?? []),
    });
  }

  /** Replaces the tenant's allowed browser origins; false if no such tenant. */
  async setCorsOrigins(id: string, origins: readonly string[]): Promise<boolean> {
    // HSET only on an existing hash: a tenant deleted meanwhile is not resurrected as a bare field.
    const updated = (await this.redis.eval(
      "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'cors_origins', ARGV[1]) return 1 end return 0",
      1,
      tenancyKeys.tenant(id),
      JSON.stringify(origins),
    )) as number;
    return updated === 1;
  }

  /** The tenant's allowed browser origins (one HGET); empty for an unknown tenant. */
  async corsOrigins(id: string): Promise<readonly string[]> {
    return parseOrigins(await this.redis.hget(tenancyKeys.tenant(id), 'cors_origins'));
  }

  async get(id: string): Promise<Tenant | null> {
    const hash = await this.redis.hgetall(tenancyKeys.tenant(id));
    return hash.id ? toTenant(hash) : null;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(tenancyKeys.tenant(id))) === 1;
  }

  /** Every tenant, oldest first. One HGETALL per tenant, concurrently: each lives in its own slot. */
  async list(): Promise<Tenant[]> {
    const ids = await this.redis.zrange(tenancyKeys.tenants(), '0', '-1');
    const hashes = await Promise.all(ids.map((id) => this.redis.hgetall(tenancyKeys.tenant(id))));
    return hashes.flatMap((hash) => (isHash(hash) && hash.id ? [toTenant(hash)] : []));
  }
}

function toTenant(hash: Record<string, string>): Tenant {
  return {
    id: hash.id ?? '',
    name: hash.name ?? '',
    createdAt: Number(hash.created_at),
    corsOrigins: parseOrigins(hash.cors_origins ?? null),
  };
}

function parseOrigins(raw: string | null): readonly string[] {
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed.filter((entry): entry is string => typeof entry === 'string') : [];
}
