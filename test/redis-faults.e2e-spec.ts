import OpenAI from 'openai';
import { DedicatedRedis, FakeUpstream } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/**
 * Redis faults mid-traffic, against a redis-server of this suite's own: stopped (connections refused) and
 * frozen (SIGSTOP: connections open, no answer). Requests get OpenAI's 503 envelope `store_unavailable`
 * well before the SDK's own timeout, the gateway serves again once Redis is back, and the log is not
 * flooded meanwhile. How fast the 503 comes is measured in docs, not asserted here.
 */
describe('Redis faults', () => {
  let redis: DedicatedRedis;
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;

  beforeAll(async () => {
    redis = await DedicatedRedis.start();
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({ config: relayConfig(upstream.baseUrl), env: { REDIS_URL: redis.url } });
    const { key } = await gateway.createTenantKey('faults');
    client = openaiClient(gateway.url, key);
  });
  afterAll(async () => {
    await gateway?.stop({ flushRedis: false });
    await upstream?.stop();
    await redis?.destroy();
  });

  const ask = () =>
    client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 8,
    });

  /** Every request of a burst fails with the 503 envelope, none hangs past the SDK's 20 s timeout. */
  async function expectStoreUnavailable(count: number): Promise<void> {
    const results = await Promise.allSettled(Array.from({ length: count }, ask));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as unknown;
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      const apiError = error as InstanceType<typeof OpenAI.InternalServerError>;
      expect(apiError.status).toBe(503);
      expect(apiError.code).toBe('store_unavailable');
      expect(apiError.type).toBe('server_error');
    }
  }

  /** Polls `/readyz` (each probe is bounded by the gateway) until Redis answers it again. */
  async function untilReady(): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const response = await fetch(`${gateway.url}/readyz`);
      if (response.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('gateway never became ready again');
  }

  const logLines = (from: number, pattern: RegExp) =>
    gateway.output
      .slice(from)
      .split('\n')
      .filter((line) => pattern.test(line)).length;

  it('answers 503 store_unavailable while Redis refuses connections, and serves again once it is back', async () => {
    await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
    const logFrom = gateway.output.length;
    const downAt = Date.now();
    await redis.stop();

    // Traffic through an outage of a few seconds, long enough for reconnect loops to show in the log.
    do await expectStoreUnavailable(5);
    while (Date.now() - downAt < 3_000);

    const downSeconds = (Date.now() - downAt) / 1_000;
    await redis.restart();
    await untilReady();
    await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });

    // The outage is logged, but not once per reconnect attempt or failed command: Redis errors at most
    // every 10 s, the batch worker's at most once a second.
    expect(logLines(logFrom, /"msg":"redis unavailable"/)).toBeLessThanOrEqual(1 + Math.ceil(downSeconds / 10));
    expect(logLines(logFrom, /"msg":"batch worker error"/)).toBeLessThanOrEqual(2 + Math.ceil(downSeconds));
  });

  it('answers 503 store_unavailable while Redis is frozen, and serves again once it thaws', async () => {
    await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
    const logFrom = gateway.output.length;
    const frozenAt = Date.now();
    redis.freeze();
    try {
      do await expectStoreUnavailable(5);
      while (Date.now() - frozenAt < 3_000);
    } finally {
      redis.thaw();
    }
    const frozenSeconds = (Date.now() - frozenAt) / 1_000;
    await untilReady();
    await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
    expect(logLines(logFrom, /"msg":"batch worker error"/)).toBeLessThanOrEqual(2 + Math.ceil(frozenSeconds));
  });
});
