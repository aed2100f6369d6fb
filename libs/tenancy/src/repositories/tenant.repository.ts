import type { Redis } from 'ioredis';
import { execAll, isHash } from './redis-results';
import type { Tenant } from '../tenancy.types';

/**
 * Keys (under the client's key prefix):
 * - `tenant:{id}`  hash `{ id, name, created_at }`
 * - `tenants`      sorted set of tenant ids, scored by creation time (listing order)
 */
export class TenantRepository {
  constructor(private readonly redis: Redis) {}

  async create(tenant: Tenant): Promise<void> {
    await execAll(
      this.redis
        .multi()
        .hset(`tenant:${tenant.id}`, { id: tenant.id, name: tenant.name, created_at: tenant.createdAt })
        .zadd('tenants', tenant.createdAt, tenant.id),
    );
  }

  async get(id: string): Promise<Tenant | null> {
    const hash = await this.redis.hgetall(`tenant:${id}`);
    return hash.id ? toTenant(hash) : null;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(`tenant:${id}`)) === 1;
  }

  async list(): Promise<Tenant[]> {
    const ids = await this.redis.zrange('tenants', '0', '-1');
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(`tenant:${id}`);
    const results = await execAll(pipeline);
    return results.flatMap((hash) => (isHash(hash) && hash.id ? [toTenant(hash)] : []));
  }
}

function toTenant(hash: Record<string, string>): Tenant {
  return { id: hash.id ?? '', name: hash.name ?? '', createdAt: Number(hash.created_at) };
}
