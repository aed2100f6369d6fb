import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { guardSlots, type SlotGuard } from './slot-guard';
import { deleteFullKeys, openTestRedis, scanKeys, testRedisTarget } from './test-redis-target';

export { TEST_REDIS_URL } from './test-redis-target';

/**
 * A real Redis connection whose every key lives under a random `vgtest:<hex>:` prefix, so tests run in
 * parallel against one server without seeing each other. `cleanup()` deletes the prefix (and keys under
 * `{<prefix>…}`, a hash-tagged prefix built on it) and disconnects.
 *
 * Against a single server the client carries a slot guard (`guardSlots`): a multi-key command, script,
 * MULTI or pipeline whose keys span several Redis Cluster hash slots fails the test, as it would fail on a
 * cluster. In the `cluster` Jest project the client is a real Redis Cluster client (`testRedisTarget`).
 */
export interface TestRedis {
  readonly redis: Redis;
  readonly prefix: string;
  /** Keys currently under the prefix (without it), for asserting what was written. */
  keys(): Promise<string[]>;
  /**
   * Deletes the prefix and disconnects (once; later calls return the same promise); throws if a pipeline or
   * MULTI of the test spanned several slots.
   */
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `vgtest:${randomBytes(6).toString('hex')}:`;
  const redis = openTestRedis({ keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 1 });
  const guard: SlotGuard | null = testRedisTarget().mode === 'single' ? guardSlots(redis) : null;
  await redis.connect();
  // SCAN's MATCH is not prefixed by ioredis' keyPrefix, so match on the full key.
  const scan = () => scanKeys(redis, `${prefix}*`);
  let cleaning: Promise<void> | undefined;
  return {
    redis,
    prefix,
    keys: async () => (await scan()).map((key) => key.slice(prefix.length)).sort(),
    cleanup: () => (cleaning ??= cleanup()),
  };
  async function cleanup(): Promise<void> {
    try {
      // `{<prefix>…}` too: hash-tagged prefixes built on this one (BullMQ's on a cluster).
      await deleteFullKeys(redis, [...(await scan()), ...(await scanKeys(redis, `{${prefix}*`))]);
    } finally {
      redis.disconnect();
    }
    guard?.assertNoViolations();
  }
}

/** Jest wiring: a fresh prefix for every test, cleaned up after it. */
export function useTestRedis(): () => TestRedis {
  let current: TestRedis | undefined;
  beforeEach(async () => {
    current = await createTestRedis();
  });
  afterEach(async () => {
    const finished = current;
    current = undefined;
    await finished?.cleanup();
  });
  return () => {
    if (!current) throw new Error('useTestRedis: no Redis outside a test');
    return current;
  };
}
