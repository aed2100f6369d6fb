import type { GatewayConfig } from '@voxgate/config';
import { Cluster, Redis } from 'ioredis';

type RedisConfig = GatewayConfig['redis'];

/** The per-connection options Voxgate sets (a subset of ioredis' `RedisOptions`). */
interface NodeOptions {
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  enableAutoPipelining: boolean;
  connectTimeout: number;
  keyPrefix?: string;
  commandTimeout?: number;
  maxRetriesPerRequest: number | null;
}

/**
 * What a connection is for, which decides how it behaves when Redis is slow or gone:
 *
 * - `commands`: the gateway's shared client (repositories, scripts): under `redis.keyPrefix`, fails fast
 *   (`commandTimeoutMs`, no offline queue, one retry) so a Redis fault is a quick 503.
 * - `queue-producer`: BullMQ's producer (`POST /v1/batches`): fails fast too, but without the key prefix
 *   (BullMQ refuses an ioredis `keyPrefix` and applies its own `prefix`).
 * - `queue-worker`: BullMQ's worker: blocking commands wait on purpose, so no command timeout,
 *   `maxRetriesPerRequest: null` (BullMQ requires it) and an offline queue while it reconnects.
 */
export type RedisConnectionRole = 'commands' | 'queue-producer' | 'queue-worker';

/**
 * A new ioredis client for `role`, in the configured `redis.mode`:
 *
 * - `single`: `new Redis(url)`;
 * - `sentinel`: `new Redis({ sentinels, name })`, which asks the Sentinels for the current master and
 *   follows it across failovers;
 * - `cluster`: `new Cluster(nodes)`, which discovers the slots from the seeds and routes each command to the
 *   master of its key's slot (`scaleReads: 'master'`: reads see every write of this process).
 *
 * In every mode auto-pipelining stays off (see `createRedis`) and `username`/`password`/`tls` of the
 * config override what a URL says. The cluster client takes the key prefix at the top level, where it
 * applies to the KEYS of scripts exactly as the single client does.
 */
export function openRedis(redis: RedisConfig, role: RedisConnectionRole): Redis | Cluster {
  const perNode = nodeOptions(redis, role);
  if (redis.mode === 'cluster') return new Cluster(clusterNodes(redis), clusterOptions(redis, role, perNode));
  const reconnect = { retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000) };
  const failFast = role !== 'queue-worker' ? { enableOfflineQueue: false } : {};
  if (redis.mode === 'sentinel') {
    return new Redis({
      ...perNode,
      ...reconnect,
      ...failFast,
      sentinels: redis.sentinels.map(hostPort),
      name: redis.name,
      ...(redis.sentinelPassword ? { sentinelPassword: redis.sentinelPassword } : {}),
    });
  }
  return new Redis(redis.url, { ...perNode, ...reconnect, ...failFast });
}

/** Options every data-node connection of `role` gets, whatever the mode. */
function nodeOptions(redis: RedisConfig, role: RedisConnectionRole): NodeOptions {
  const fromFirstNode = redis.mode === 'cluster' && redis.nodes[0] ? credentialsOf(redis.nodes[0]) : {};
  const options = {
    ...fromFirstNode,
    ...(redis.username ? { username: redis.username } : {}),
    ...(redis.password ? { password: redis.password } : {}),
    ...(redis.tls ? { tls: {} } : {}),
    enableAutoPipelining: false,
    connectTimeout: Math.max(redis.commandTimeoutMs, 1_000),
  } satisfies Omit<NodeOptions, 'maxRetriesPerRequest'>;
  if (role === 'commands')
    return { ...options, keyPrefix: redis.keyPrefix, commandTimeout: redis.commandTimeoutMs, maxRetriesPerRequest: 1 };
  if (role === 'queue-producer') return { ...options, commandTimeout: redis.commandTimeoutMs, maxRetriesPerRequest: 2 };
  return { ...options, maxRetriesPerRequest: null };
}

function clusterOptions(redis: RedisConfig, role: RedisConnectionRole, perNode: NodeOptions) {
  // The key prefix goes on the Cluster itself (its commands and scripts are prefixed before the slot is
  // computed), never on the node connections, which would prefix a second time.
  const { keyPrefix, enableAutoPipelining, ...redisOptions } = perNode;
  return {
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    enableAutoPipelining: enableAutoPipelining ?? false,
    enableOfflineQueue: role === 'queue-worker',
    scaleReads: 'master' as const,
    // A slots refresh against an unreachable seed fails after this, so a dead node does not stall startup.
    slotsRefreshTimeout: Math.max(redis.commandTimeoutMs, 1_000),
    clusterRetryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
    redisOptions,
  };
}

/** `redis://[user:password@]host:port` → `{ host, port }`. */
function clusterNodes(redis: RedisConfig): { host: string; port: number }[] {
  return redis.nodes.map((node) => {
    const url = new URL(node);
    return { host: url.hostname, port: Number(url.port || 6379) };
  });
}

/** The user, password and TLS a `redis://` or `rediss://` URL carries. */
function credentialsOf(node: string): Pick<NodeOptions, 'username' | 'password' | 'tls'> {
  const url = new URL(node);
  return {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
