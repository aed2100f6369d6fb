import OpenAI from 'openai';
import { DedicatedSentinel, FakeUpstream } from '@voxgate/testing';
import { Redis } from 'ioredis';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/**
 * `redis.mode: sentinel` for real: a master and a `redis-sentinel` of the test's own on loopback. The
 * gateway is given only the Sentinel's address and the master group name, never the master's.
 */
describe('the gateway behind Redis Sentinel (redis.mode: sentinel)', () => {
  let sentinel: DedicatedSentinel;
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    sentinel = await DedicatedSentinel.start();
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({
      config: {
        ...relayConfig(upstream.baseUrl),
        redis: { mode: 'sentinel', sentinels: [sentinel.sentinelAddress], name: sentinel.masterName },
      },
      // Nothing listens here: every Redis command must go to the master the Sentinel names.
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
    });
  });
  afterAll(async () => {
    await gateway?.stop({ flushRedis: false });
    await upstream?.stop();
    await sentinel?.destroy();
  });

  it('is ready, and enforces a quota through the master the Sentinel reports', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { config: 'ok', redis: 'ok' } });

    const { key, tenantId } = await gateway.createTenantKey('sentinel');
    const put = await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { requests_per_minute: 2 });
    expect(put.status).toBe(200);
    // Keep the burst inside one fixed minute window.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));

    const client = openaiClient(gateway.url, key);
    const ask = () =>
      client.chat.completions.create({
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'hi' }],
        max_completion_tokens: 8,
      });
    await expect(ask()).resolves.toMatchObject({ model: SNAPSHOT });
    await expect(ask()).resolves.toMatchObject({ model: SNAPSHOT });
    const refused = await ask().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });

    // The counters live on the master itself.
    const master = new Redis(sentinel.master.url);
    try {
      const counters = await master.keys(`${gateway.redisPrefix}quota:{t:${tenantId}}:rpm:*`);
      expect(counters).toHaveLength(1);
      expect(await master.get(counters[0]!)).toBe('2');
    } finally {
      master.disconnect();
    }
  });
});
