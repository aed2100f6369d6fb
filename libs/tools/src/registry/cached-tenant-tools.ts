import type { TenantToolset } from './tenant-toolset';

/** What the gateway reads a tenant's tools through (`ResolveTenantTools`, or this cache in front of it). */
export interface TenantToolsResolver {
  execute(tenantId: string): Promise<TenantToolset>;
}

export interface CachedTenantToolsOptions {
  /** Longest a tenant's toolset is reused, counted from the start of the reads that built it. At most 1000. */
  maxAgeMs: number;
  /** Tenants kept at most; beyond it the oldest is dropped. */
  maxEntries: number;
  /** Whether change messages are being received right now; while false the cache is neither read nor filled. */
  live: () => boolean;
  now?: () => number;
}

interface Entry {
  readonly toolset: TenantToolset;
  readonly readAt: number;
}

/**
 * A per-process cache of each tenant's built toolset in front of `ResolveTenantTools`, so a request costs
 * no Redis read for its tools.
 *
 * A toolset reused when more than half of `maxAgeMs` has passed is built again in the background (one
 * build at a time per tenant) and the new one replaces it, so a tenant in steady use never waits for its
 * tools when the entry ages out; a build that fails leaves the entry to expire at its own `maxAgeMs`.
 *
 * Contract: a toolset is reused for at most `maxAgeMs` (≤ 1 s) after the build that produced it started,
 * and only while `live()`; `evict(tenant)`
 * (the tenant enabled or disabled a tool) and `clear()` (a registration changed, or the change channel
 * was resubscribed) take effect at once, and a build that was in flight when one happened is returned
 * but not stored. So an enablement change or a tool update is visible on every replica within 1 s,
 * usually at once. The generation check of `ResolveTenantTools` is unchanged: it runs on every build.
 */
export class CachedTenantTools implements TenantToolsResolver {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private generation = 0;
  /** Tenants whose toolset is being built again in the background. */
  private readonly refreshing = new Set<string>();

  constructor(
    private readonly source: TenantToolsResolver,
    private readonly options: CachedTenantToolsOptions,
  ) {
    if (options.maxAgeMs > 1_000) throw new RangeError('maxAgeMs must be at most 1000');
    this.now = options.now ?? Date.now;
  }

  async execute(tenantId: string): Promise<TenantToolset> {
    const live = this.options.live();
    if (live) {
      const entry = this.entries.get(tenantId);
      const age = entry ? this.now() - entry.readAt : Infinity;
      if (entry && age < this.options.maxAgeMs) {
        if (age * 2 >= this.options.maxAgeMs) this.refresh(tenantId);
        return entry.toolset;
      }
    }
    return this.build(tenantId, live);
  }

  /** Builds `tenantId`'s toolset and caches it, unless an eviction or an outage intervened. */
  private async build(tenantId: string, live: boolean): Promise<TenantToolset> {
    const generation = this.generation;
    const readAt = this.now();
    const toolset = await this.source.execute(tenantId);
    if (live && this.options.live() && generation === this.generation) this.store(tenantId, { toolset, readAt });
    else this.entries.delete(tenantId);
    return toolset;
  }

  private refresh(tenantId: string): void {
    if (this.refreshing.has(tenantId)) return;
    this.refreshing.add(tenantId);
    void this.build(tenantId, true)
      // A failed build leaves the entry to expire at its own max age; the request then builds (and fails) itself.
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(tenantId));
  }

  /** Forgets one tenant's toolset (its enablements changed). */
  evict(tenantId: string): void {
    this.generation += 1;
    this.entries.delete(tenantId);
  }

  /** Forgets every toolset (a registration changed, or messages may have been missed). */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(tenantId: string, entry: Entry): void {
    this.entries.delete(tenantId);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(tenantId, entry);
  }
}

/** The message `ToolRegistryRepository` publishes when a registration (not one tenant's enablement) changed. */
export const ALL_TENANTS = '*';
