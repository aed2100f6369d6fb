import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A real Redis connection whose every key lives under a random `vgtest:<hex>:` prefix, so tests run in
 * parallel against one server without seeing each other. `cleanup()` deletes the prefix and disconnects.
 */
export interface TestRedis {
  readonly redis: Redis;
  readonly prefix: string;
  /** Keys currently under the prefix (without it), for asserting what was written. */
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `vgtest:${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(TEST_REDIS_URL, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const scan = async (): Promise<string[]> => {
    const found: string[] = [];
    let cursor = '0';
    do {
      // SCAN's MATCH is not prefixed by ioredis' keyPrefix, so match on the full key.
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  };
  return {
    redis,
    prefix,
    keys: async () => (await scan()).map((key) => key.slice(prefix.length)).sort(),
    cleanup: async () => {
      const keys = await scan();
      // DEL would add the prefix again; strip it.
      if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
      redis.disconnect();
    },
  };
}

/** Jest wiring: a fresh prefix for every test, cleaned up after it. */
export function useTestRedis(): () => TestRedis {
  let current: TestRedis | undefined;
  beforeEach(async () => {
    current = await createTestRedis();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('useTestRedis: no Redis outside a test');
    return current;
  };
}
