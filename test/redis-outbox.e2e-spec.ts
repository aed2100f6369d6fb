import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type OpenAI from 'openai';
import { type ChatCompletionChunk, DedicatedRedis, FakeUpstream } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

const STREAMS = 6;

/** A short text stream with usage, its chunks `delayMs` apart: long enough to stop Redis in the middle. */
function slowStream(delayMs: number) {
  const chunk = (choices: unknown[], usage: unknown): ChatCompletionChunk => ({
    id: 'chatcmpl-outbox',
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
      chunk([choice({ content: 'Still ' })], null),
      chunk([choice({ content: 'here.' })], null),
      chunk([choice({}, 'stop')], null),
      chunk([], { prompt_tokens: 8, completion_tokens: 3, total_tokens: 11 }),
    ],
  };
}

/** Resolves once `condition` holds, polling every 20 ms; fails after `ms`. */
async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Streams that end while Redis is down reach their clients; what their ending could not write (usage
 * events, quota settles that free the stream slots, session turns) is kept by the gateway's outbox and
 * written once Redis is back — exactly once — or, if the gateway must exit first, spilled to its outbox
 * file and written by the next process. Runs against a redis-server of this suite's own.
 */
describe('Redis outbox: nothing lost when requests end during a Redis outage', () => {
  let redis: DedicatedRedis;
  let upstream: FakeUpstream;
  let store: Redis;
  let dir: string;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    redis = await DedicatedRedis.start();
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    dir = mkdtempSync(path.join(tmpdir(), 'voxgate-outbox-e2e-'));
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop({ flushRedis: false });
    store?.disconnect();
    await upstream?.stop();
    await redis?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startGateway(options: { redisPrefix?: string; adminKey?: string; outboxFile?: string } = {}) {
    const gateway = await GatewayProcess.start({
      config: relayConfig(upstream.baseUrl),
      env: { REDIS_URL: redis.url, ...(options.outboxFile ? { VOXGATE_OUTBOX_FILE: options.outboxFile } : {}) },
      ...(options.redisPrefix ? { redisPrefix: options.redisPrefix } : {}),
      ...(options.adminKey ? { adminKey: options.adminKey } : {}),
    });
    gateways.push(gateway);
    return gateway;
  }

  /** A tenant limited to `STREAMS` concurrent streams, and its client. */
  async function tenantOf(gateway: GatewayProcess) {
    const { key, tenantId } = await gateway.createTenantKey('outbox');
    const put = await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { concurrent_streams: STREAMS });
    expect(put.status).toBe(200);
    return { tenantId, client: openaiClient(gateway.url, key) };
  }

  const openStream = (client: OpenAI, sessionId: string) =>
    client.chat.completions.create(
      {
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: { 'x-session-id': sessionId } },
    );

  /** `STREAMS` streams admitted while Redis is up, ended (read to the end) while it is stopped. */
  async function streamsEndingDuringOutage(client: OpenAI, session: string): Promise<void> {
    for (let i = 0; i < STREAMS; i += 1) upstream.enqueue(slowStream(400));
    const streams = await Promise.all(Array.from({ length: STREAMS }, (_, i) => openStream(client, `${session}-${i}`)));
    const iterators = streams.map((stream) => stream[Symbol.asyncIterator]());
    // Every stream is admitted (its slot taken) and relaying before Redis goes.
    for (const iterator of iterators) expect((await iterator.next()).done).toBe(false);
    await redis.stop();
    for (const iterator of iterators) {
      let chunks = 1;
      let usage = false;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        chunks += 1;
        if (next.value.usage) usage = true;
      }
      expect(chunks).toBeGreaterThan(2);
      expect(usage).toBe(true);
    }
  }

  /** Polls the gateway's outbox gauge until it is empty again. */
  async function untilOutboxEmpty(gateway: GatewayProcess): Promise<string> {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const response = await fetch(`${gateway.url}/metrics`, {
        headers: { authorization: `Bearer ${gateway.adminKey}` },
      });
      const text = await response.text();
      if (response.status === 200 && /^voxgate_outbox_pending 0$/m.test(text)) return text;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the outbox never emptied:\n${gateway.output.slice(-4000)}`);
  }

  /** What the gateway wrote for the tenant, read straight from Redis. */
  async function written(prefix: string, tenantId: string, session: string) {
    store ??= new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const turns = await Promise.all(
      Array.from({ length: STREAMS }, (_, i) => store.llen(`${prefix}session:{t:${tenantId}}:${session}-${i}`)),
    );
    return {
      usageEvents: await store.zcard(`${prefix}usage:{t:${tenantId}}:events`),
      turns,
      openStreams: await store.zcard(`${prefix}quota:{t:${tenantId}}:streams`),
    };
  }

  it('writes usage, settles and session turns once Redis is back, each exactly once, and frees the stream slots', async () => {
    const gateway = await startGateway();
    const { tenantId, client } = await tenantOf(gateway);
    await streamsEndingDuringOutage(client, 'blip');
    // Usage and settle are written behind the response, in one script per request: kept a moment after
    // the streams ended.
    const kept = (kind: string) => gateway.output.match(new RegExp(`"msg":"outbox.kept","kind":"${kind}"`, 'g'));
    await until(() => (kept('settle-and-record')?.length ?? 0) >= STREAMS, 2_000);
    expect(kept('settle-and-record')).toHaveLength(STREAMS);
    expect(kept('usage')).toBeNull();
    expect(kept('settle')).toBeNull();
    expect(kept('session-turn')).toHaveLength(STREAMS);

    await redis.restart();
    const metrics = await untilOutboxEmpty(gateway);
    expect(metrics).toMatch(new RegExp(`^voxgate_outbox_written_total ${2 * STREAMS}$`, 'm'));
    expect(metrics).toMatch(/^voxgate_outbox_dropped_total 0$/m);
    // The outage is counted: the client's connection errors, and every write the outbox had to keep.
    expect(metrics).toMatch(/^voxgate_redis_errors_total\{kind="connection"\} [1-9]\d*$/m);
    const failedCommands = [
      ...metrics.matchAll(/^voxgate_redis_errors_total\{kind="(?:timeout|unavailable)"\} (\d+)$/gm),
    ];
    expect(failedCommands.reduce((sum, match) => sum + Number(match[1]), 0)).toBeGreaterThanOrEqual(2 * STREAMS);
    expect(await written(gateway.redisPrefix, tenantId, 'blip')).toEqual({
      usageEvents: STREAMS,
      turns: Array.from({ length: STREAMS }, () => 1),
      openStreams: 0,
    });

    // The slots are free at once: the tenant gets all its concurrent streams again.
    const again = await Promise.all(Array.from({ length: STREAMS }, (_, i) => openStream(client, `after-${i}`)));
    for (const stream of again) for await (const _chunk of stream);
  });

  it('spills what is pending to its file when it must exit, and the next process writes it once', async () => {
    const outboxFile = path.join(dir, 'outbox.jsonl');
    const first = await startGateway({ outboxFile });
    const { tenantId, client } = await tenantOf(first);
    await streamsEndingDuringOutage(client, 'spill');
    await first.stop({ flushRedis: false });
    expect(first.output).toMatch(new RegExp(`"msg":"outbox.spilled","entries":${2 * STREAMS}`));

    await redis.restart();
    const second = await startGateway({ outboxFile, redisPrefix: first.redisPrefix, adminKey: first.adminKey });
    expect(second.output).toMatch(new RegExp(`"msg":"outbox.replaying","entries":${2 * STREAMS}`));
    await untilOutboxEmpty(second);
    expect(await written(first.redisPrefix, tenantId, 'spill')).toEqual({
      usageEvents: STREAMS,
      turns: Array.from({ length: STREAMS }, () => 1),
      openStreams: 0,
    });
  });

  it("replays an older version's spill file, whose usage events and settles are separate entries, once each", async () => {
    const probe = await startGateway();
    const { tenantId } = await tenantOf(probe);
    const { redisPrefix, adminKey } = probe;
    await probe.stop({ flushRedis: false });
    store ??= new Redis(redis.url, { maxRetriesPerRequest: 1 });
    // A stream slot held in both scopes by a reservation that an older process ended during an outage.
    const nowMs = Date.now();
    const principal = { tenantId, keyId: 'key_old', scope: 'client' };
    for (const scope of [`quota:{t:${tenantId}}`, `quota:{t:${tenantId}}:key:key_old`])
      await store.zadd(`${redisPrefix}${scope}:streams`, nowMs + 60_000, 'lease_old');
    const minute = Math.floor(nowMs / 60_000);
    const day = Math.floor(nowMs / 86_400_000);
    const date = new Date(nowMs);
    const reservation = {
      id: 'res_old',
      principal,
      windows: { minute, day, month: date.getUTCFullYear() * 100 + date.getUTCMonth() + 1 },
      estimate: { tokens: 10, spendMicros: 0, audioMs: 0 },
      leaseId: 'lease_old',
      headers: {},
      wouldRefuse: null,
    };
    const event = {
      id: 'req_old',
      tenant_id: tenantId,
      key_id: 'key_old',
      model: SNAPSHOT,
      provider: 'openai',
      created_at_ms: nowMs,
      latency_ms: 5,
      status: 'completed',
      stream: true,
      input_text_tokens: 8,
      input_audio_tokens: 0,
      input_cached_tokens: 0,
      output_text_tokens: 3,
      output_audio_tokens: 0,
      audio_in_ms: 0,
      audio_out_ms: 0,
      tool_calls: 0,
      input_characters: 0,
      cost_micros: 0,
      estimated: false,
    };
    const outboxFile = path.join(dir, 'outbox-older.jsonl');
    const entries = [
      { kind: 'usage', event },
      { kind: 'settle', requestId: 'req_old', reservation, actual: { tokens: 11, spendMicros: 0, audioMs: 0 } },
    ];
    writeFileSync(outboxFile, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));

    const next = await startGateway({ outboxFile, redisPrefix, adminKey });
    expect(next.output).toMatch(/"msg":"outbox.replaying","entries":2/);
    await untilOutboxEmpty(next);
    expect(await store.zcard(`${redisPrefix}usage:{t:${tenantId}}:events`)).toBe(1);
    expect(await store.get(`${redisPrefix}usage:{t:${tenantId}}:event:req_old`)).toBe(JSON.stringify(event));
    expect(await store.zcard(`${redisPrefix}quota:{t:${tenantId}}:streams`)).toBe(0);
    expect(await store.zcard(`${redisPrefix}quota:{t:${tenantId}}:key:key_old:streams`)).toBe(0);
    expect(await store.exists(`${redisPrefix}quota:{t:${tenantId}}:settled:res_old`)).toBe(1);
    expect(await store.get(`${redisPrefix}quota:{t:${tenantId}}:tpm:${minute}`)).toBe('1');
  });
});
