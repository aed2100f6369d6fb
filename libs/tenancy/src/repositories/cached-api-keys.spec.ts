import { CachedApiKeys, type SecretHashLookup } from './cached-api-keys';
import type { Principal } from '../tenancy.types';

const alice: Principal = { keyId: 'key_a', tenantId: 'ten_1', scope: 'client' };

/** A lookup over a mutable map that counts its reads, and can hold one read until released. */
function source() {
  const keys = new Map<string, Principal>([['hash-a', alice]]);
  let reads = 0;
  let hold: Promise<void> | null = null;
  const lookup: SecretHashLookup = {
    async findBySecretHash(hash) {
      reads += 1;
      const found = keys.get(hash) ?? null;
      if (hold) await hold;
      return found;
    },
  };
  return {
    lookup,
    keys,
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

describe('CachedApiKeys', () => {
  let now = 0;
  let live = true;
  const cacheOf = (lookup: SecretHashLookup, maxEntries = 100) =>
    new CachedApiKeys(lookup, { maxAgeMs: 1_000, maxEntries, live: () => live, now: () => now });
  beforeEach(() => {
    now = 10_000;
    live = true;
  });

  it('serves a found key from memory for less than maxAgeMs, then reads it again', async () => {
    const store = source();
    const cache = cacheOf(store.lookup);
    await expect(cache.findBySecretHash('hash-a')).resolves.toEqual(alice);
    now += 499;
    await expect(cache.findBySecretHash('hash-a')).resolves.toEqual(alice);
    expect(store.reads()).toBe(1);

    store.keys.delete('hash-a'); // revoked, and the message was lost
    now += 501;
    await expect(cache.findBySecretHash('hash-a')).resolves.toBeNull();
    expect(store.reads()).toBe(2);
  });

  it('reads a key in use again in the background once half its max age passed, so no request waits for it', async () => {
    const store = source();
    const cache = cacheOf(store.lookup);
    await cache.findBySecretHash('hash-a');
    now += 600;
    const release = store.holdNextRead();
    // Answered from memory while the refresh is held, and one refresh at a time.
    await expect(cache.findBySecretHash('hash-a')).resolves.toEqual(alice);
    await expect(cache.findBySecretHash('hash-a')).resolves.toEqual(alice);
    expect(store.reads()).toBe(2);
    release();
    await flushPromises();
    // Past the first read's max age, the refresh (issued at +600) answers, without a read on the request's path.
    now += 400;
    await expect(cache.findBySecretHash('hash-a')).resolves.toEqual(alice);
    expect(store.reads()).toBe(2);
    // The refresh's own max age: read again (a key not used in the second half of its age is not refreshed).
    now += 600;
    await cache.findBySecretHash('hash-a');
    expect(store.reads()).toBe(3);
  });

  it('drops an entry whose refresh found the key gone, and keeps one whose refresh failed until its max age', async () => {
    const store = source();
    const cache = cacheOf(store.lookup);
    await cache.findBySecretHash('hash-a');
    store.keys.delete('hash-a');
    now += 500;
    await expect(cache.findBySecretHash('hash-a')).resolves.toEqual(alice); // within its bound
    await flushPromises();
    await expect(cache.findBySecretHash('hash-a')).resolves.toBeNull();

    store.keys.set('hash-a', alice);
    await cache.findBySecretHash('hash-a');
    // A source whose first read answers and every later one fails (Redis went away).
    let reads = 0;
    const failing: SecretHashLookup = { findBySecretHash: () => Promise.reject(new Error('redis down')) };
    const flaky = cacheOf({
      findBySecretHash: (hash) => (reads++ === 0 ? store.lookup : failing).findBySecretHash(hash),
    });
    await flaky.findBySecretHash('hash-a');
    now += 700;
    await expect(flaky.findBySecretHash('hash-a')).resolves.toEqual(alice);
    await flushPromises();
    await expect(flaky.findBySecretHash('hash-a')).resolves.toEqual(alice);
    now += 300;
    await expect(flaky.findBySecretHash('hash-a')).rejects.toThrow('redis down');
  });

  it('does not let a refresh in flight during a revocation put the key back', async () => {
    const store = source();
    const cache = cacheOf(store.lookup);
    await cache.findBySecretHash('hash-a');
    now += 600;
    const release = store.holdNextRead();
    await cache.findBySecretHash('hash-a'); // starts the refresh, which reads the key before the revocation
    cache.evict('hash-a');
    store.keys.delete('hash-a');
    release();
    await flushPromises();
    await expect(cache.findBySecretHash('hash-a')).resolves.toBeNull();
  });

  it('evicts on a revocation message at once', async () => {
    const store = source();
    const cache = cacheOf(store.lookup);
    await cache.findBySecretHash('hash-a');
    store.keys.delete('hash-a');
    cache.evict('hash-a');
    await expect(cache.findBySecretHash('hash-a')).resolves.toBeNull();
  });

  it('neither serves nor fills the cache while invalidations are not arriving', async () => {
    const store = source();
    const cache = cacheOf(store.lookup);
    await cache.findBySecretHash('hash-a');
    live = false;
    store.keys.delete('hash-a');
    await expect(cache.findBySecretHash('hash-a')).resolves.toBeNull();
    store.keys.set('hash-a', alice);
    await cache.findBySecretHash('hash-a');
    await cache.findBySecretHash('hash-a');
    expect(store.reads()).toBe(4);
    expect(cache.size).toBe(0);
  });

  it('does not cache a read that a revocation overtook', async () => {
    const store = source();
    const cache = cacheOf(store.lookup);
    const release = store.holdNextRead();
    const inFlight = cache.findBySecretHash('hash-a'); // read the key before its revocation...
    store.keys.delete('hash-a');
    cache.evict('hash-a'); // ...whose message arrives before the read's answer
    release();
    await expect(inFlight).resolves.toEqual(alice);
    await expect(cache.findBySecretHash('hash-a')).resolves.toBeNull();
  });

  it('caches no unknown key and keeps at most maxEntries', async () => {
    const store = source();
    for (let i = 0; i < 5; i += 1) store.keys.set(`hash-${i}`, { ...alice, keyId: `key_${i}` });
    const cache = cacheOf(store.lookup, 3);
    await cache.findBySecretHash('nope');
    await cache.findBySecretHash('nope');
    expect(store.reads()).toBe(2);
    for (let i = 0; i < 5; i += 1) await cache.findBySecretHash(`hash-${i}`);
    expect(cache.size).toBe(3);
    await cache.findBySecretHash('hash-4');
    expect(store.reads()).toBe(7);
    await cache.findBySecretHash('hash-0');
    expect(store.reads()).toBe(8);
  });

  it('refuses an age bound above one second', () => {
    expect(() => new CachedApiKeys(source().lookup, { maxAgeMs: 1_001, maxEntries: 1, live: () => true })).toThrow(
      RangeError,
    );
  });
});

/** Lets promise callbacks queued so far (and those they queue) run. */
async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
