import { FakeUpstream } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

type Sent = { tools?: { function: { name: string } }[] };

/**
 * Each replica caches a tenant's toolset (`tools.toolsetCacheMs`, ≤ 1 s); a change made on one replica
 * (enable, disable) reaches the other's next requests within 1 s (pub/sub, or the age bound).
 */
describe('tool enablement across replicas', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let replica: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({ config: relayConfig(upstream.baseUrl) });
    replica = await GatewayProcess.start({
      config: relayConfig(upstream.baseUrl),
      redisPrefix: gateway.redisPrefix,
      adminKey: gateway.adminKey,
    });
  });
  afterAll(async () => {
    await replica.stop({ flushRedis: false });
    await gateway.stop();
    await upstream.stop();
  });

  it('sees a tool enabled or disabled on another replica within 1 s', async () => {
    const { key, tenantId } = await gateway.createTenantKey('replicas');
    const client = openaiClient(replica.url, key);
    /** The tool names the replica sent upstream for one request. */
    const toolsSent = async () => {
      const before = upstream.requests.length;
      await client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] });
      const sent = upstream.requests.slice(before).at(-1)?.body as Sent | undefined;
      return (sent?.tools ?? []).map((tool) => tool.function.name);
    };
    /**
     * Polls until the replica sends `expected`; returns when (ms after `since`) the last request that did
     * not yet see the change was sent (-1: none). Fails if the change was not seen within 3 s.
     */
    const lastStaleAfter = async (expected: string[], since: number) => {
      let lastStale = -1;
      for (;;) {
        const sentAt = Date.now() - since;
        if (JSON.stringify(await toolsSent()) === JSON.stringify(expected)) return lastStale;
        lastStale = sentAt;
        expect(sentAt).toBeLessThan(3_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const registered = await gateway.admin('POST', '/admin/tools', {
      name: 'kb_replicas',
      implementation: { type: 'builtin', module: 'search' },
    });
    expect(registered.status).toBe(201);
    expect(await toolsSent()).toEqual([]);
    expect(await toolsSent()).toEqual([]); // cached on the replica now

    let since = Date.now();
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/kb_replicas`)).status).toBe(200);
    expect(await lastStaleAfter(['kb_replicas'], since)).toBeLessThanOrEqual(1_000);

    since = Date.now();
    expect((await gateway.admin('DELETE', `/admin/tenants/${tenantId}/tools/kb_replicas`)).status).toBe(200);
    expect(await lastStaleAfter([], since)).toBeLessThanOrEqual(1_000);
    expect(await toolsSent()).toEqual([]);
  }, 30_000);
});
