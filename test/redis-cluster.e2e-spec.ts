import { asCluster, keySlot, openTestRedis, scanKeys, testRedisTarget } from '@voxgate/testing';
import { GatewayProcess } from './support/gateway-process';

// Runs in the `cluster` Jest project (VOXGATE_TEST_REDIS_CLUSTER, scripts/redis-cluster.sh); the suites
// listed in jest.config.js (`clusterE2e`) run there too. In the plain e2e project there is no cluster.
const target = testRedisTarget();
const onCluster = target.mode === 'cluster' ? describe : describe.skip;

onCluster('the gateway on a Redis Cluster (redis.mode: cluster)', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await GatewayProcess.start();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('is ready, and spreads tenants over the masters with each tenant in one slot', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { config: 'ok', redis: 'ok' } });

    const tenants: string[] = [];
    for (let i = 0; i < 8; i += 1) tenants.push((await gateway.createTenantKey(`t${i}`)).tenantId);
    for (const tenantId of tenants) {
      const quota = await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { requests_per_minute: 5 });
      expect(quota.status).toBe(200);
    }

    const redis = openTestRedis();
    try {
      const cluster = asCluster(redis);
      if (!cluster) throw new Error('expected a cluster client');
      await redis.ping();
      const mastersWithKeys = new Set<string>();
      for (const node of cluster.nodes('master')) {
        const keys = await scanKeys(node, `${gateway.redisPrefix}*`);
        if (keys.length > 0) mastersWithKeys.add(`${node.options.host}:${node.options.port}`);
      }
      expect(mastersWithKeys.size).toBeGreaterThan(1);
      for (const tenantId of tenants) {
        const keys = await scanKeys(redis, `${gateway.redisPrefix}*{t:${tenantId}}*`);
        expect(keys.length).toBeGreaterThanOrEqual(3); // tenant hash, its key set, its quota limits
        expect(new Set(keys.map(keySlot)).size).toBe(1);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('refuses to start in single mode against a cluster node, saying which mode to set', async () => {
    const nodes = target.mode === 'cluster' ? target.nodes : [];
    const failure = await GatewayProcess.startFailing({
      config: { redis: { mode: 'single' } },
      env: { REDIS_URL: nodes[0] ?? '' },
    });
    expect(failure.code).toBe(1);
    expect(failure.output).toContain('cluster_enabled:1');
    expect(failure.output).toContain('Set redis.mode: cluster');
    expect(failure.output).not.toContain('"msg":"listening"');
  });
});
