import { Redis } from 'ioredis';
import { type ChatCompletionChunk, DedicatedRedis, FakeUpstream } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

const COMMAND_TIMEOUT_MS = 2_000;

/** A text stream with usage, its chunks `delayMs` apart. */
function slowStream(delayMs: number) {
  const chunk = (choices: unknown[], usage: unknown): ChatCompletionChunk => ({
    id: 'chatcmpl-behind',
    object: 'chat.completion.chunk',
    created: 1_750_000_000,
    model: SNAPSHOT,
    choices,
    usage,
  });
  const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  return {
    kind: 'stream' as const,
    delayMs,
    chunks: [
      chunk([choice({ role: 'assistant', content: '' })], null),
      chunk([choice({ content: 'Behind.' })], null),
      chunk([choice({}, 'stop')], null),
      chunk([], { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 }),
    ],
  };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Usage and quota settles are written behind the response (MeteredChat.finish, PendingWrites.writeBehind):
 * the client never waits for them, yet each request is metered and settled exactly once. Runs against a
 * redis-server of its own, which one test freezes.
 */
describe('metering written behind the response', () => {
  let redis: DedicatedRedis;
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let store: Redis;

  beforeAll(async () => {
    redis = await DedicatedRedis.start();
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({
      config: { ...relayConfig(upstream.baseUrl), redis: { commandTimeoutMs: COMMAND_TIMEOUT_MS } },
      env: { REDIS_URL: redis.url },
    });
    store = new Redis(redis.url, { keyPrefix: gateway.redisPrefix, maxRetriesPerRequest: 1 });
  }, 30_000);
  afterAll(async () => {
    store?.disconnect();
    await gateway?.stop({ flushRedis: false });
    await upstream?.stop();
    await redis?.destroy();
  });

  it('meters 200 concurrent requests exactly once each, with quota counters equal to the actual usage', async () => {
    const { key, tenantId } = await gateway.createTenantKey('behind');
    const client = openaiClient(gateway.url, key);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client.chat.completions.create({
          model: SNAPSHOT,
          messages: [{ role: 'user', content: `request ${i}` }],
          ...(i % 4 === 0 ? { stream: false, max_completion_tokens: 500 } : {}),
        }),
      ),
    );
    const events = await until(
      () => store.zcard(`usage:{t:${tenantId}}:events`),
      (count) => count >= 200,
      5_000,
    );
    expect(events).toBe(200);
    const actual = answers.reduce((sum, answer) => sum + answer.usage!.total_tokens, 0);
    // Reserved at the estimate, settled to the actual: every token window ends at the actual usage.
    const counted = async (window: 'tpm' | 'tpd') => {
      const keys = await store.keys(`${gateway.redisPrefix}quota:{t:${tenantId}}:${window}:*`);
      const values = await Promise.all(keys.map((full) => store.get(full.slice(gateway.redisPrefix.length))));
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    };
    expect(
      await until(
        () => counted('tpd'),
        (value) => value === actual,
        2_000,
      ),
    ).toBe(actual);
    expect(await counted('tpm')).toBe(actual);
    expect(await store.zcard(`quota:{t:${tenantId}}:streams`)).toBe(0);
  }, 60_000);

  it('ends a stream without waiting for Redis, and writes its usage and settle once after Redis thaws', async () => {
    const { key, tenantId } = await gateway.createTenantKey('frozen');
    const client = openaiClient(gateway.url, key);
    upstream.enqueue(slowStream(300));
    const stream = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false); // admitted, slot taken, relaying
    redis.freeze();
    let usageAt = 0;
    let endedAt = 0;
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (next.value.usage) usageAt = Date.now();
      }
      endedAt = Date.now();
    } finally {
      redis.thaw();
    }
    expect(usageAt).toBeGreaterThan(0);
    // Awaiting the settle would have held `[DONE]` for a command timeout (2 s) against the frozen Redis.
    expect(endedAt - usageAt).toBeLessThan(COMMAND_TIMEOUT_MS / 2);

    // The writes sent to the frozen Redis run when it thaws, and the outbox's retries of them change nothing.
    const events = await until(
      () => store.zcard(`usage:{t:${tenantId}}:events`),
      (count) => count >= 1,
      15_000,
    );
    expect(events).toBe(1);
    expect(
      await until(
        () => store.zcard(`quota:{t:${tenantId}}:streams`),
        (open) => open === 0,
        15_000,
      ),
    ).toBe(0);
    const pending = await until(
      async () =>
        await (
          await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminKey}` } })
        ).text(),
      (text) => /^voxgate_outbox_pending 0$/m.test(text),
      15_000,
    );
    expect(pending).toMatch(/^voxgate_outbox_pending 0$/m);
    expect(await store.zcard(`usage:{t:${tenantId}}:events`)).toBe(1);
    expect(gateway.output).not.toContain('metering.failed');
  }, 60_000);
});
