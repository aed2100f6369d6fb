import { Cluster, Redis } from 'ioredis';

/** The client options the tests set. */
export interface TestRedisOptions {
  keyPrefix?: string;
  lazyConnect?: boolean;
  maxRetriesPerRequest?: number | null;
  commandTimeout?: number;
}

/** The shared single Redis of the tests (`REDIS_URL`). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Where the Redis tests of this process run:
 *
 * - `single` (the default): the server at `REDIS_URL`;
 * - `cluster`: when `VOXGATE_TEST_REDIS_MODE=cluster` (set by the `cluster` Jest project), the Redis Cluster
 *   whose seeds `VOXGATE_TEST_REDIS_CLUSTER` lists (`redis://127.0.0.1:7001,redis://127.0.0.1:7002,…`;
 *   `scripts/redis-cluster.sh start` prints it).
 *
 * Read at call time, so a Jest setup file can choose per project.
 */
export function testRedisTarget(): { mode: 'single'; url: string } | { mode: 'cluster'; nodes: string[] } {
  if (process.env.VOXGATE_TEST_REDIS_MODE !== 'cluster') return { mode: 'single', url: TEST_REDIS_URL };
  const nodes = (process.env.VOXGATE_TEST_REDIS_CLUSTER ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean);
  if (nodes.length === 0)
    throw new Error(
      'VOXGATE_TEST_REDIS_MODE=cluster needs VOXGATE_TEST_REDIS_CLUSTER (scripts/redis-cluster.sh start)',
    );
  return { mode: 'cluster', nodes };
}

/**
 * A client of the test target with `options`. On a cluster this is a `Cluster` (key prefix at the top
 * level, the rest per node), typed as `Redis` as the gateway hands it to its repositories.
 */
export function openTestRedis(options: TestRedisOptions = {}): Redis {
  const target = testRedisTarget();
  if (target.mode === 'single') return new Redis(target.url, options);
  const { keyPrefix, lazyConnect, ...redisOptions } = options;
  const cluster = new Cluster(
    target.nodes.map((node) => {
      const url = new URL(node);
      return { host: url.hostname, port: Number(url.port) };
    }),
    {
      ...(keyPrefix === undefined ? {} : { keyPrefix }),
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      redisOptions,
    },
  );
  return cluster as unknown as Redis;
}

/** Every key matching `pattern` (SCAN MATCH, not prefixed), on every master of a cluster. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const cluster = asCluster(redis);
  // A cluster client knows its masters once it has loaded the slots.
  if (cluster && cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
  const servers = cluster?.nodes('master') ?? [redis];
  const found: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/**
 * Deletes full key names (prefix included) whatever the client's `keyPrefix`: one UNLINK per key, since one
 * DEL of keys in several slots is a CROSSSLOT error on a cluster (and the slot guard's on a single server).
 */
export async function deleteFullKeys(redis: Redis, keys: readonly string[]): Promise<void> {
  const prefix = redis.options.keyPrefix ?? '';
  const unprefixed = (key: string) => (prefix && key.startsWith(prefix) ? key.slice(prefix.length) : key);
  await Promise.all(keys.map((key) => redis.unlink(unprefixed(key))));
}

/** `redis` as the `Cluster` it is, or null for a single-server client. */
export function asCluster(redis: Redis): Cluster | null {
  const client: unknown = redis;
  return client instanceof Cluster ? client : null;
}
