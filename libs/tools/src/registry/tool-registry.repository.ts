import type { Redis } from 'ioredis';
import { tenantTag } from '../redis-script';
import { ALL_TENANTS } from './cached-tenant-tools';
import type { ToolDefinition } from './tool-definition';

/** A tool a tenant enabled, and which registration of that name it enabled. */
export interface ToolEnablement {
  readonly name: string;
  readonly generation: string;
}

/**
 * Registered tools (global, shared by all tenants) and which of them each tenant may use.
 *
 * - `tools:registry`                  hash name → JSON `ToolDefinition` (with secret header values)
 * - `tools:{t:T}:enabled`             hash name → generation of the registration the tenant enabled
 * - `tools:enabled-tenants:<name>`    set of tenant ids that enabled the name (to clean up on removal)
 *
 * Secret header values are stored here and only here; every read view goes through `toPublicView`.
 */
export class ToolRegistryRepository {
  /**
   * @param changes where every change is announced once written, for the toolset caches
   *   (`CachedTenantTools`): the tenant id for an enablement change, `*` for a registration created,
   *   updated or removed. `local` is told at once (this process's cache, so its next request sees the
   *   change), then the message is published on `channel` for the other replicas. A publish that fails
   *   is ignored: the caches' age bound (≤ 1 s) covers it.
   */
  constructor(
    private readonly redis: Redis,
    private readonly changes?: { readonly channel: string; readonly local?: (tenantIdOrAll: string) => void },
  ) {}

  private async changed(tenantIdOrAll: string): Promise<void> {
    if (!this.changes) return;
    this.changes.local?.(tenantIdOrAll);
    await this.redis.publish(this.changes.channel, tenantIdOrAll).catch(() => 0);
  }

  /** Stores a new tool; `false` if the name is taken (atomic: two concurrent registrations, one wins). */
  async create(tool: ToolDefinition): Promise<boolean> {
    const created = (await this.redis.hsetnx('tools:registry', tool.name, JSON.stringify(tool))) === 1;
    if (created) await this.changed(ALL_TENANTS);
    return created;
  }

  async replace(tool: ToolDefinition): Promise<void> {
    await this.redis.hset('tools:registry', tool.name, JSON.stringify(tool));
    await this.changed(ALL_TENANTS);
  }

  async get(name: string): Promise<ToolDefinition | null> {
    const raw = await this.redis.hget('tools:registry', name);
    return raw === null ? null : (JSON.parse(raw) as ToolDefinition);
  }

  async getMany(names: readonly string[]): Promise<(ToolDefinition | null)[]> {
    if (names.length === 0) return [];
    const raws = await this.redis.hmget('tools:registry', ...names);
    return raws.map((raw) => (raw === null ? null : (JSON.parse(raw) as ToolDefinition)));
  }

  async list(): Promise<ToolDefinition[]> {
    const all = await this.redis.hgetall('tools:registry');
    return Object.values(all)
      .map((raw) => JSON.parse(raw) as ToolDefinition)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Deletes a tool and its enablements. The tenants' hashes live in other cluster slots, so this is not
   * one transaction; an enablement left behind by a crash is inert, because it names an old generation.
   */
  async remove(name: string): Promise<boolean> {
    const removed = (await this.redis.hdel('tools:registry', name)) === 1;
    const tenants = await this.redis.smembers(`tools:enabled-tenants:${name}`);
    // One HDEL per tenant rather than a pipeline: on a cluster a pipeline must stay on one node.
    await Promise.all(tenants.map((tenantId) => this.redis.hdel(enabledKey(tenantId), name)));
    await this.redis.del(`tools:enabled-tenants:${name}`);
    await this.changed(ALL_TENANTS);
    return removed;
  }

  async enable(tenantId: string, enablement: ToolEnablement): Promise<void> {
    await this.redis.sadd(`tools:enabled-tenants:${enablement.name}`, tenantId);
    await this.redis.hset(enabledKey(tenantId), enablement.name, enablement.generation);
    await this.changed(tenantId);
  }

  async disable(tenantId: string, name: string): Promise<boolean> {
    const removed = (await this.redis.hdel(enabledKey(tenantId), name)) === 1;
    await this.redis.srem(`tools:enabled-tenants:${name}`, tenantId);
    await this.changed(tenantId);
    return removed;
  }

  async enabledFor(tenantId: string): Promise<ToolEnablement[]> {
    const hash = await this.redis.hgetall(enabledKey(tenantId));
    return Object.entries(hash)
      .map(([name, generation]) => ({ name, generation }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

function enabledKey(tenantId: string): string {
  return `tools:${tenantTag(tenantId)}:enabled`;
}
