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
    now += 499;
    expect(await cache.execute('ten_1')).toBe(first);
    await cache.execute('ten_2');
    expect(tools.reads()).toBe(2);
    now += 501;
    expect(await cache.execute('ten_1')).not.toBe(first);
    expect(tools.reads()).toBe(3);
  });

  it('rebuilds a toolset in use in the background once half its max age passed, so no request waits for it', async () => {
    const tools = source();
    const cache = cacheOf(tools.resolver);
    const first = await cache.execute('ten_1');
    now += 600;
    const release = tools.holdNextRead();
    expect(await cache.execute('ten_1')).toBe(first);
    expect(await cache.execute('ten_1')).toBe(first); // one rebuild at a time
    expect(tools.reads()).toBe(2);
    release();
    await flushPromises();
    now += 400; // past the first build's max age: the rebuild (started at +600) answers at once
    const second = await cache.execute('ten_1');
    expect(second).not.toBe(first);
    expect(tools.reads()).toBe(2);
    now += 600; // the rebuild's own max age
    expect(await cache.execute('ten_1')).not.toBe(second);
    expect(tools.reads()).toBe(3);
  });

  it('keeps a toolset whose background rebuild failed until its max age, and stores none an eviction overtook', async () => {
    let builds = 0;
    const tools = source();
    const cache = cacheOf({
      execute: (tenantId) =>
        builds++ === 1 ? Promise.reject(new Error('redis down')) : tools.resolver.execute(tenantId),
    });
    const first = await cache.execute('ten_1');
    now += 700;
    expect(await cache.execute('ten_1')).toBe(first); // starts the rebuild, which fails
    await flushPromises();
    const release = tools.holdNextRead();
    expect(await cache.execute('ten_1')).toBe(first); // starts another, held until after the eviction
    cache.evict('ten_1');
    release();
    await flushPromises();
    // The held rebuild was not stored: this request builds again.
    expect(await cache.execute('ten_1')).not.toBe(first);
    expect(builds).toBe(4);
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

/** Lets promise callbacks queued so far (and those they queue) run. */
async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
