import { CachedTenantTools, type TenantToolsResolver } from './cached-tenant-tools';
import { TenantToolset } from './tenant-toolset';

/** A resolver that builds a new toolset per read, counts reads, and can hold one read until released. */
function source() {
  let reads = 0;
  let hold: Promise<void> | null = null;
  const resolver: TenantToolsResolver = {
    async execute() {
      reads += 1;
      const toolset = new TenantToolset([]);
      if (hold) await hold;
      return toolset;
    },
  };
  return {
    resolver,
    reads: () => reads,
    holdNextRead: () => {
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = null;
        release();
      };
    },
  };
}

describe('CachedTenantTools', () => {
  let now = 0;
  let live = true;
  const cacheOf = (resolver: TenantToolsResolver) =>
    new CachedTenantTools(resolver, { maxAgeMs: 1_000, maxEntries: 2, live: () => live, now: () => now });
  beforeEach(() => {
    now = 50_000;
    live = true;
  });

  it('reuses a toolset for less than maxAgeMs, per tenant, then rebuilds it', async () => {
    const tools = source();
    const cache = cacheOf(tools.resolver);
    const first = await cache.execute('ten_1');
    now += 999;
    expect(await cache.execute('ten_1')).toBe(first);
    await cache.execute('ten_2');
    expect(tools.reads()).toBe(2);
    now += 1;
    expect(await cache.execute('ten_1')).not.toBe(first);
    expect(tools.reads()).toBe(3);
  });

  it('rebuilds at once after evict (one tenant) and clear (every tenant)', async () => {
    const tools = source();
    const cache = cacheOf(tools.resolver);
    const one = await cache.execute('ten_1');
    const two = await cache.execute('ten_2');
    cache.evict('ten_1');
    expect(await cache.execute('ten_1')).not.toBe(one);
    expect(await cache.execute('ten_2')).toBe(two);
    cache.clear();
    expect(await cache.execute('ten_2')).not.toBe(two);
    expect(tools.reads()).toBe(4);
  });

  it('is bypassed while change messages are not arriving, and keeps no build a change overtook', async () => {
    const tools = source();
    const cache = cacheOf(tools.resolver);
    live = false;
    await cache.execute('ten_1');
    await cache.execute('ten_1');
    expect(tools.reads()).toBe(2);
    expect(cache.size).toBe(0);

    live = true;
    const release = tools.holdNextRead();
    const inFlight = cache.execute('ten_1');
    cache.evict('ten_1');
    release();
    const stale = await inFlight;
    expect(await cache.execute('ten_1')).not.toBe(stale);
  });
});
