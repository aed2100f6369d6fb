import { GatewayConfigSchema } from '@voxgate/config';
import { Cluster, Redis } from 'ioredis';
import { openRedis } from './redis-connection';

/** The redis section as the config loader returns it, with `overrides`. */
function redisConfig(overrides: Record<string, unknown>) {
  const redis = { commandTimeoutMs: 1500, keyPrefix: 'vg:', ...overrides };
  return GatewayConfigSchema.parse({ providers: {}, models: [], redis }).redis;
}

/** Opens without connecting anywhere that matters (port 1 refuses), and closes at once. */
function inspect(client: Redis | Cluster): Redis | Cluster {
  client.on('error', () => undefined);
  client.disconnect();
  return client;
}

describe('openRedis', () => {
  it('single: the URL, under the key prefix, failing fast', () => {
    const client = inspect(openRedis(redisConfig({ url: 'redis://u:pw@127.0.0.1:1/3' }), 'commands'));
    expect(client).toBeInstanceOf(Redis);
    expect(client.options).toMatchObject({
      host: '127.0.0.1',
      port: 1,
      db: 3,
      username: 'u',
      password: 'pw',
      keyPrefix: 'vg:',
      commandTimeout: 1500,
      enableOfflineQueue: false,
      enableAutoPipelining: false,
      maxRetriesPerRequest: 1,
    });
  });

  it('cluster: seeds from nodes, key prefix on the Cluster only, credentials and TLS from the first node', () => {
    const config = redisConfig({ mode: 'cluster', nodes: ['rediss://ops:s3cret@127.0.0.1:1', 'redis://127.0.0.1:2'] });
    const client = inspect(openRedis(config, 'commands'));
    expect(client).toBeInstanceOf(Cluster);
    const cluster = client as Cluster;
    expect(cluster.options).toMatchObject({
      keyPrefix: 'vg:',
      enableOfflineQueue: false,
      enableAutoPipelining: false,
      scaleReads: 'master',
      slotsRefreshTimeout: 1500,
    });
    expect(cluster.options.redisOptions).toMatchObject({
      username: 'ops',
      password: 's3cret',
      tls: {},
      commandTimeout: 1500,
      maxRetriesPerRequest: 1,
    });
    // A prefix on the node connections too would be applied twice.
    expect(cluster.options.redisOptions?.keyPrefix).toBeUndefined();
  });

  it("cluster: BullMQ's clients have no key prefix; the worker's may block and queue while reconnecting", () => {
    const config = redisConfig({ mode: 'cluster', nodes: ['redis://127.0.0.1:1'] });
    const producer = inspect(openRedis(config, 'queue-producer')) as Cluster;
    const worker = inspect(openRedis(config, 'queue-worker')) as Cluster;
    expect(producer.options.keyPrefix).toBeUndefined();
    expect(producer.options).toMatchObject({ enableOfflineQueue: false, redisOptions: { commandTimeout: 1500 } });
    expect(worker.options.keyPrefix).toBeUndefined();
    expect(worker.options.enableOfflineQueue).toBe(true);
    expect(worker.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null });
    expect(worker.options.redisOptions?.commandTimeout).toBeUndefined();
  });

  it('sentinel: the sentinels and master name, explicit credentials over none in a URL', () => {
    const config = redisConfig({
      mode: 'sentinel',
      sentinels: ['127.0.0.1:1', 'sentinel-2.internal:26379'],
      name: 'mymaster',
      password: 'data-pw',
      sentinelPassword: 'sentinel-pw',
      tls: true,
    });
    const client = inspect(openRedis(config, 'commands'));
    expect(client).toBeInstanceOf(Redis);
    expect(client.options).toMatchObject({
      sentinels: [
        { host: '127.0.0.1', port: 1 },
        { host: 'sentinel-2.internal', port: 26379 },
      ],
      name: 'mymaster',
      password: 'data-pw',
      sentinelPassword: 'sentinel-pw',
      tls: {},
      keyPrefix: 'vg:',
      enableOfflineQueue: false,
    });
  });
});
