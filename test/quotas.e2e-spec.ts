import OpenAI from 'openai';
import { FakeUpstream } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { awayFromMinuteBoundary } from './support/quota-window';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

describe('quotas across replicas', () => {
  let upstream: FakeUpstream;
  const replicas: GatewayProcess[] = [];

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const first = await GatewayProcess.start({ config: relayConfig(upstream.baseUrl) });
    replicas.push(first);
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await GatewayProcess.start({
          config: relayConfig(upstream.baseUrl),
          redisPrefix: first.redisPrefix,
          adminKey: first.adminKey,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const [index, replica] of replicas.entries()) await replica.stop({ flushRedis: index === 0 });
    await upstream.stop();
  });

  const ask = (client: OpenAI) =>
    client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 16,
    });

  it('admits exactly the limit when 3 replicas race for it, and refuses the rest with OpenAI 429s', async () => {
    const admin = replicas[0]!;
    const { key, tenantId } = await admin.createTenantKey('burst');
    const put = await admin.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { requests_per_minute: 9 });
    expect(put).toMatchObject({
      status: 200,
      body: { object: 'quota', tenant_id: tenantId, requests_per_minute: 9, tokens_per_minute: null },
    });
    await awayFromMinuteBoundary();

    const clients = replicas.map((replica) => openaiClient(replica.url, key));
    const results = await Promise.allSettled(Array.from({ length: 45 }, (_, i) => ask(clients[i % 3]!)));
    const admitted = results.filter((result) => result.status === 'fulfilled');
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(admitted).toHaveLength(9);
    expect(refused).toHaveLength(36);
    for (const error of refused) {
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(rateLimit.code).toBe('rate_limit_exceeded');
      expect(rateLimit.type).toBe('requests');
      expect(rateLimit.message).toMatch(/requests per min \(RPM\).*Limit 9, Used 9, Requested 1/);
      expect(Number(rateLimit.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(rateLimit.headers?.get('x-ratelimit-limit-requests')).toBe('9');
      expect(rateLimit.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    }
  });

  it("sends x-ratelimit headers on admitted responses and applies a key limit on top of the tenant's", async () => {
    const admin = replicas[0]!;
    const { key, keyId, tenantId } = await admin.createTenantKey('headers');
    await admin.admin('PUT', `/admin/tenants/${tenantId}/quotas`, {
      requests_per_minute: 100,
      tokens_per_minute: 100_000,
    });
    await admin.admin('PUT', `/admin/keys/${keyId}/quotas`, { requests_per_minute: 2 });
    await awayFromMinuteBoundary();
    const client = openaiClient(replicas[1]!.url, key);
    const { response } = await ask(client).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+ms|[\d.]+s)$/);
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(response.headers.get('x-voxgate-model')).toBe(SNAPSHOT);

    // A streamed answer's head carries the admission's headers (and the session's) with the route's.
    const streamed = await client.chat.completions
      .create(
        { model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 16, stream: true },
        { headers: { 'x-session-id': 'quota-headers-1' } },
      )
      .withResponse();
    for await (const _chunk of streamed.data) void _chunk;
    expect(streamed.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(streamed.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(streamed.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(streamed.response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(streamed.response.headers.get('x-session-id')).toBe('quota-headers-1');
    expect(streamed.response.headers.get('x-voxgate-model')).toBe(SNAPSHOT);
    await expect(ask(client)).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });

    // Another key of the same tenant still has room.
    const other = await admin.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'other' });
    await expect(ask(openaiClient(replicas[2]!.url, (other.body as { key: string }).key))).resolves.toMatchObject({
      model: SNAPSHOT,
    });
  });

  it('refuses a request whose token estimate exceeds tokens per minute, naming the numbers', async () => {
    const admin = replicas[0]!;
    const { key, tenantId } = await admin.createTenantKey('tokens');
    await admin.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { tokens_per_minute: 500 });
    const error = await openaiClient(replicas[0]!.url, key)
      .chat.completions.create({
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'hi' }],
        max_completion_tokens: 2000,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).type).toBe('tokens');
    expect((error as Error).message).toMatch(/tokens per min \(TPM\).*Limit 500, Used 0, Requested 20\d\d/);
  });

  it('answers insufficient_quota, not to be retried, once the monthly spend is used up', async () => {
    const admin = replicas[0]!;
    const { key, tenantId } = await admin.createTenantKey('spend');
    await admin.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { spend_per_month_usd_micros: 1 });
    const response = await fetch(`${replicas[2]!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(((await response.json()) as { error: { code: string; type: string } }).error).toMatchObject({
      code: 'insufficient_quota',
      type: 'insufficient_quota',
    });
  });

  it('limits concurrent streams across replicas and frees the slot when a stream ends', async () => {
    const admin = replicas[0]!;
    const { key, tenantId } = await admin.createTenantKey('streams');
    await admin.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { concurrent_streams: 1 });
    upstream.chunkDelayMs = 40;
    try {
      const open = await openaiClient(replicas[0]!.url, key).chat.completions.create({
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      const iterator = open[Symbol.asyncIterator]();
      await iterator.next();
      const second = openaiClient(replicas[1]!.url, key).chat.completions.create({
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      await expect(second).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'streams' });
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) void next;
    } finally {
      upstream.chunkDelayMs = 0;
    }
    const after = await openaiClient(replicas[2]!.url, key).chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let chunks = 0;
    for await (const _chunk of after) chunks++;
    expect(chunks).toBeGreaterThan(1);
  });

  it('validates quota bodies and 404s unknown tenants and keys', async () => {
    const admin = replicas[0]!;
    expect((await admin.admin('PUT', '/admin/tenants/ten_nope/quotas', { requests_per_minute: 1 })).status).toBe(404);
    expect((await admin.admin('PUT', '/admin/keys/key_nope/quotas', {})).status).toBe(404);
    const { tenantId } = await admin.createTenantKey('validation');
    const bad = await admin.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { requests_per_minute: -1 });
    expect(bad).toMatchObject({ status: 400, body: { error: { param: 'requests_per_minute' } } });
    const unknown = await admin.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { rpm: 5 });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'unknown_parameter', param: 'rpm' } } });
  });
});
