import { DedicatedCluster, keySlot } from '@voxgate/testing';
import { Redis } from 'ioredis';
import { GatewayProcess } from './support/gateway-process';

/**
 * A master of a Redis Cluster dies (`redis.mode: cluster`): requests of tenants it served fail fast with
 * OpenAI's 503 envelope while the others are served; once the cluster declares itself failed, `/readyz`
 * says so; when the node is back, everything is served again. On a cluster of the test's own.
 */
describe('a Redis Cluster losing a master', () => {
  let cluster: DedicatedCluster;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    cluster = await DedicatedCluster.start();
    gateway = await GatewayProcess.start({
      config: { redis: { mode: 'cluster', nodes: cluster.nodes, commandTimeoutMs: 1000 } },
    });
  });
  afterAll(async () => {
    await gateway?.stop({ flushRedis: false });
    await cluster?.destroy();
  });

  /** The tenant's quota (one key of its slot), timed. */
  async function readQuota(tenantId: string) {
    const started = Date.now();
    const response = await gateway.admin('GET', `/admin/tenants/${tenantId}/quotas`);
    return { ...response, ms: Date.now() - started };
  }

  it('fails fast for the lost slots, serves the others, reports not ready, and recovers', async () => {
    const tenants: string[] = [];
    for (let i = 0; i < 6; i += 1) tenants.push((await gateway.createTenantKey(`t${i}`)).tenantId);
    // Which master serves each tenant's slot (the quota keys carry `{t:<tenant>}`).
    const owner = await slotOwners(cluster.ports[0]!);
    const portOf = (tenantId: string) => owner(keySlot(`{t:${tenantId}}`));
    const lostPort = portOf(tenants[0]!);
    const lost = tenants.filter((tenantId) => portOf(tenantId) === lostPort);
    const kept = tenants.filter((tenantId) => portOf(tenantId) !== lostPort);

    await cluster.kill(cluster.ports.indexOf(lostPort));
    // Before the other masters declare the cluster failed (cluster-node-timeout: 2 s).
    const keptReads = await Promise.all(kept.map(readQuota));
    const lostRead = await readQuota(lost[0]!);
    expect(keptReads.map((read) => read.status)).toEqual(kept.map(() => 200));
    expect(lostRead.status).toBe(503);
    expect(lostRead.body).toMatchObject({ error: { code: 'store_unavailable', type: 'server_error' } });
    expect(lostRead.ms).toBeLessThan(2_000);

    await cluster.waitForState('fail');
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { config: 'ok', redis: 'unreachable' } });
    const failed = await readQuota(kept[0] ?? lost[0]!);
    expect(failed.status).toBe(503);
    expect(failed.ms).toBeLessThan(5_000);

    // The node comes back empty (no persistence): its tenants are gone, the cluster serves again.
    await cluster.restart(cluster.ports.indexOf(lostPort));
    await cluster.waitForState('ok');
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 200);
    expect((await gateway.admin('POST', '/admin/tenants', { name: 'after' })).status).toBe(201);
    for (const tenantId of kept) expect((await readQuota(tenantId)).status).toBe(200);
  });
});

/** slot → port of the master serving it, from CLUSTER SLOTS. */
async function slotOwners(port: number): Promise<(slot: number) => number> {
  const redis = new Redis(port, '127.0.0.1');
  try {
    const ranges = (await redis.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    return (slot) => ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1] ?? -1;
  } finally {
    redis.disconnect();
  }
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
