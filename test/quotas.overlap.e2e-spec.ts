import OpenAI from 'openai';
import { FakeUpstream, parseExposition, sampleValue } from '@voxgate/testing';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { awayFromMinuteBoundary } from './support/quota-window';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/**
 * `quotas.overlapAdmission` (default on): a request whose key's last admission left room goes to the
 * provider while its admission script runs; a refusal cancels that call and is the client's answer. A key
 * without room is admitted first, so a key over its limits does not reach the provider once per request.
 */
describe('quota admission overlapped with the provider call', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let sequential: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({ config: relayConfig(upstream.baseUrl) });
    sequential = await GatewayProcess.start({
      config: { ...relayConfig(upstream.baseUrl), quotas: { overlapAdmission: false } },
      redisPrefix: gateway.redisPrefix,
      adminKey: gateway.adminKey,
    });
  });
  beforeEach(() => upstream.clear());
  afterEach(() => upstream.assertNoViolations());
  afterAll(async () => {
    await sequential?.stop({ flushRedis: false });
    await gateway?.stop();
    await upstream?.stop();
  });

  const ask = (client: OpenAI) =>
    client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 16,
    });

  async function overlapped(replica: GatewayProcess): Promise<{ granted: number; refused: number }> {
    const response = await fetch(`${replica.url}/metrics`, {
      headers: { authorization: `Bearer ${replica.adminKey}` },
    });
    const families = parseExposition(await response.text());
    const count = (outcome: string) =>
      sampleValue(families, 'voxgate_overlapped_admissions_total', { outcome }) ?? Number.NaN;
    return { granted: count('granted'), refused: count('refused') };
  }

  /** The tenant's usage events (the billing API), once the write-behind has written them. */
  async function usageEvents(tenantId: string): Promise<unknown[]> {
    const created = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, {
      name: 'billing',
      scope: 'billing',
    });
    const since = Math.floor(Date.now() / 1000) - 3600;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
      headers: { authorization: `Bearer ${(created.body as { key: string }).key}` },
    });
    expect(response.status).toBe(200);
    return (await response.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
  }

  /**
   * The provider calls that arrived from index `from` on were all cancelled. A refusal can also come
   * before the call reached the provider (the call is then never sent): none arriving is fine too.
   */
  async function cancelledAfter(from: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = upstream.requests.slice(from);
    expect(late.length).toBeLessThanOrEqual(1);
    for (let i = 0; i < late.length; i++) await upstream.waitForAbort(from + i);
  }

  it('a key with room is overlapped from its second request on; a limit left at 0 sends the next one through admission first', async () => {
    const { key, tenantId } = await gateway.createTenantKey('room');
    await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { requests_per_minute: 3 });
    await awayFromMinuteBoundary();
    const client = openaiClient(gateway.url, key);
    const before = await overlapped(gateway);

    await ask(client); // new to this replica: admitted first (2 left)
    await ask(client); // overlapped (1 left)
    await ask(client); // overlapped (0 left)
    expect(await overlapped(gateway)).toEqual({ granted: before.granted + 2, refused: before.refused });
    expect(upstream.requests).toHaveLength(3);

    // No room left: admitted first, refused, and the provider never sees it.
    const refusal = await ask(client).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refusal as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('x-ratelimit-remaining-requests')).toBe(
      '0',
    );
    expect(upstream.requests).toHaveLength(3);
    expect(await overlapped(gateway)).toEqual({ granted: before.granted + 2, refused: before.refused });
  });

  it('a refusal of a limit the room does not show cancels the provider call in flight and answers the 429; the key is then admitted first', async () => {
    const { key, tenantId } = await gateway.createTenantKey('daily');
    await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { tokens_per_day: 500 });
    const client = openaiClient(gateway.url, key);
    const before = await overlapped(gateway);

    await ask(client); // admitted first; no per-minute limit: room
    // The provider holds the second answer, so the refusal comes while the call is in flight.
    upstream.enqueue({ kind: 'delay', ms: 3_000, then: { kind: 'completion' } });
    const started = Date.now();
    const large = {
      model: SNAPSHOT,
      messages: [{ role: 'user' as const, content: 'hi' }],
      max_completion_tokens: 1_000,
    };
    const refusal = await client.chat.completions.create(large).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refusal as InstanceType<typeof OpenAI.RateLimitError>).message).toMatch(/tokens per day/i);
    expect(Date.now() - started).toBeLessThan(2_000); // not after the provider's answer
    await cancelledAfter(1);
    expect(await overlapped(gateway)).toEqual({ granted: before.granted, refused: before.refused + 1 });

    // Refused once: the next is admitted first and never reaches the provider.
    await expect(client.chat.completions.create(large)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(upstream.requests.length).toBeLessThanOrEqual(2);

    // The refused call is not metered: the tenant's usage holds the first request's event only.
    expect(await usageEvents(tenantId)).toHaveLength(1);
  });

  it('a stream refused while overlapped gets the 429 before any byte, and the provider stream is closed', async () => {
    const { key, tenantId } = await gateway.createTenantKey('streams');
    await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { concurrent_streams: 1 });
    const client = openaiClient(gateway.url, key);
    await ask(client); // admitted first: room from here on
    const before = await overlapped(gateway);

    // The first stream holds the key's only slot while the provider is slow to finish it.
    upstream.enqueue({ kind: 'stall', afterChunks: 1 });
    const holding = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const reader = holding[Symbol.asyncIterator]();
    await reader.next();

    upstream.enqueue({ kind: 'delay', ms: 3_000, then: { kind: 'completion' } });
    const sent = upstream.requests.length;
    const refusal = await client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'again' }], stream: true })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    await cancelledAfter(sent);
    expect(await overlapped(gateway)).toEqual({ granted: before.granted + 1, refused: before.refused + 1 });
    holding.controller.abort();
  });

  it('quotas.overlapAdmission: false admits every request before calling the provider', async () => {
    const { key } = await gateway.createTenantKey('sequential');
    const client = openaiClient(sequential.url, key);
    for (let i = 0; i < 3; i++) await ask(client);
    expect(await overlapped(sequential)).toEqual({ granted: 0, refused: 0 });
  });
});
