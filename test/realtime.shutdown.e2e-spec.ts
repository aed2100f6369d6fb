import { FakeUpstream } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { RealtimeTestClient } from './support/realtime-client';
import { ALIAS, relayConfig, UPSTREAM_KEY } from './support/relay-config';

describe('GET /v1/realtime and shutdown', () => {
  it('SIGTERM closes open realtime sockets with 1001 and the process exits 0, well within the grace period', async () => {
    const upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const gateway = await GatewayProcess.start({ config: relayConfig(upstream.baseUrl) });
    try {
      const { key } = await gateway.createTenantKey();
      const client = await RealtimeTestClient.open(gateway.url, key, ALIAS);
      await client.next('session.created');
      const started = Date.now();
      const stopping = gateway.stop();
      expect(await gateway.exitCode()).toBe(0);
      await stopping;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(client.closed?.code).toBe(1001);
      client.assertAllValid();
    } finally {
      await gateway.stop();
      await upstream.stop();
    }
  });
});
