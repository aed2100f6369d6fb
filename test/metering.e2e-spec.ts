import OpenAI from 'openai';
import { collectSseEvents } from '@voxgate/testing';
import { useRelayEnv, validator } from './support/e2e-env';
import type { GatewayProcess } from './support/gateway-process';
import { openaiClient, SNAPSHOT } from './support/relay-config';

type UsageEventJson = {
  id: string;
  tenant_id: string;
  key_id: string;
  model: string;
  status: string;
  stream: boolean;
  input_text_tokens: number;
  input_audio_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
  audio_out_ms: number;
  cost_micros: number;
  estimated: boolean;
};

async function billingKey(gateway: GatewayProcess, tenantId: string): Promise<string> {
  const created = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'billing', scope: 'billing' });
  return (created.body as { key: string }).key;
}

async function exportEvents(gateway: GatewayProcess, key: string, format: 'jsonl' | 'csv' = 'jsonl'): Promise<string> {
  const since = Math.floor(Date.now() / 1000) - 3600;
  const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=${format}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

const parse = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as UsageEventJson);

describe('metering and the billing API', () => {
  const env = useRelayEnv();

  it('meters one event per request: JSON, streams with and without include_usage, and failures', async () => {
    const { gateway, client, upstream, tenantId } = env();
    const json = await client.chat.completions.create({
      model: SNAPSHOT,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'wav' },
      messages: [{ role: 'user', content: 'Say something' }],
    });
    const silent = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    for await (const _chunk of silent) void _chunk;
    upstream.enqueue({
      kind: 'json',
      status: 400,
      body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } },
    });
    await expect(
      client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    const events = parse(await exportEvents(gateway, await billingKey(gateway, tenantId)));
    expect(events).toHaveLength(3);
    const [audio, streamed, failed] = events;
    expect(audio).toMatchObject({
      tenant_id: tenantId,
      model: SNAPSHOT,
      status: 'completed',
      stream: false,
      estimated: false,
    });
    expect(audio!.input_text_tokens + audio!.input_audio_tokens).toBe(json.usage!.prompt_tokens);
    expect(audio!.output_audio_tokens).toBe(json.usage!.completion_tokens_details!.audio_tokens);
    expect(audio!.output_text_tokens).toBe(
      json.usage!.completion_tokens - json.usage!.completion_tokens_details!.audio_tokens!,
    );
    expect(audio!.audio_out_ms).toBeGreaterThan(1500);
    // $2.50/M text in, $10/M text out, $80/M audio out (config/default.yaml prices of this snapshot).
    const expected = Math.round(
      audio!.input_text_tokens * 2.5 + audio!.output_text_tokens * 10 + audio!.output_audio_tokens * 80,
    );
    expect(Math.abs(audio!.cost_micros - expected)).toBeLessThanOrEqual(1);
    expect(streamed).toMatchObject({ status: 'completed', stream: true, estimated: false });
    expect(streamed!.output_text_tokens).toBeGreaterThan(0);
    expect(failed).toMatchObject({ status: 'failed', cost_micros: 0, output_text_tokens: 0 });
  });

  it('meters a cancelled stream for what was generated, flagged as estimated', async () => {
    const { gateway, key, upstream, tenantId } = env();
    upstream.chunkDelayMs = 80;
    try {
      const controller = new AbortController();
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: SNAPSHOT,
          modalities: ['text', 'audio'],
          audio: { voice: 'alloy', format: 'pcm16' },
          messages: [{ role: 'user', content: 'x' }],
          stream: true,
        }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      for (let i = 0; i < 6; i++) await reader.read();
      controller.abort();
      await upstream.waitForAbort(-1, 3_000);
    } finally {
      upstream.chunkDelayMs = 0;
    }
    const billing = await billingKey(gateway, tenantId);
    let cancelled: UsageEventJson | undefined;
    for (let attempt = 0; attempt < 20 && !cancelled; attempt++) {
      cancelled = parse(await exportEvents(gateway, billing)).find((event) => event.status === 'cancelled');
      if (!cancelled) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(cancelled).toMatchObject({ stream: true, estimated: true });
    expect(cancelled!.input_text_tokens).toBeGreaterThan(0);
    expect(cancelled!.output_text_tokens + cancelled!.output_audio_tokens).toBeGreaterThan(0);
    expect(cancelled!.cost_micros).toBeGreaterThan(0);
  });

  it('counts a request the gateway retried upstream once', async () => {
    const { gateway, client, upstream, tenantId } = env();
    const billing = await billingKey(gateway, tenantId);
    const before = parse(await exportEvents(gateway, billing)).length;
    upstream.enqueue({
      kind: 'json',
      status: 500,
      body: { error: { message: 'boom', type: 'server_error', param: null, code: null } },
    });
    const { request_id } = await client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    const events = parse(await exportEvents(gateway, billing));
    expect(events).toHaveLength(before + 1);
    expect(events.filter((event) => event.id === request_id)).toHaveLength(1);
  });

  it('meters every request by its own id, whatever correlation ids the client reuses', async () => {
    const { gateway, upstream } = env();
    const { key, tenantId } = await gateway.createTenantKey('reused ids');
    const client = openaiClient(gateway.url, key);
    const billing = await billingKey(gateway, tenantId);
    const upstreamBefore = upstream.requests.length;
    const headers = { 'x-request-id': 'same-id-every-time', 'x-client-request-id': 'same-id-every-time' };
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const { request_id } = await client.chat.completions
          .create({ model: SNAPSHOT, messages: [{ role: 'user', content: `turn ${index}` }] }, { headers })
          .withResponse();
        return request_id;
      }),
    );
    expect(upstream.requests.length - upstreamBefore).toBe(20);
    const events = parse(await exportEvents(gateway, billing));
    expect(events).toHaveLength(20);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(ids));
  });

  it('reports usage in OpenAI-shaped buckets whose totals reconcile with the events, per tenant only', async () => {
    const { gateway, client, tenantId } = env();
    await client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'one more' }] });
    const billing = await billingKey(gateway, tenantId);
    const events = parse(await exportEvents(gateway, billing));
    const since = Math.floor(Date.now() / 1000) - 3600;
    const response = await fetch(`${gateway.url}/v1/usage?start_time=${since}&bucket_width=1h&group_by=model&limit=2`, {
      headers: { authorization: `Bearer ${billing}` },
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as {
      data: {
        results: {
          model: string;
          num_model_requests: number;
          input_tokens: number;
          output_tokens: number;
          cost_usd_micros: number;
        }[];
      }[];
    };
    validator.assertValid('UsageResponse', page);
    const results = page.data.flatMap((bucket) => bucket.results);
    const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
    expect(sum((r) => r.num_model_requests)).toBe(events.length);
    expect(sum((r) => r.input_tokens)).toBe(events.reduce((t, e) => t + e.input_text_tokens + e.input_audio_tokens, 0));
    expect(sum((r) => r.output_tokens)).toBe(
      events.reduce((t, e) => t + e.output_text_tokens + e.output_audio_tokens, 0),
    );
    expect(sum((r) => r.cost_usd_micros)).toBe(events.reduce((t, e) => t + e.cost_micros, 0));
    expect(new Set(results.map((r) => r.model))).toEqual(new Set([SNAPSHOT]));

    // Another tenant's billing key sees none of it, whatever it asks for.
    const other = await gateway.createTenantKey('other tenant');
    const otherBilling = await billingKey(gateway, other.tenantId);
    const foreign = await fetch(`${gateway.url}/v1/usage?start_time=${since}&bucket_width=1h`, {
      headers: { authorization: `Bearer ${otherBilling}` },
    });
    const foreignPage = (await foreign.json()) as { data: { results: unknown[] }[] };
    expect(foreignPage.data.flatMap((bucket) => bucket.results)).toEqual([]);
    expect(parse(await exportEvents(gateway, otherBilling))).toEqual([]);
    const sneaky = await fetch(`${gateway.url}/v1/usage?start_time=${since}&tenant_ids=${tenantId}`, {
      headers: { authorization: `Bearer ${otherBilling}` },
    });
    expect(
      ((await sneaky.json()) as { data: { results: unknown[] }[] }).data.flatMap((bucket) => bucket.results),
    ).toEqual([]);

    // The operator sees both tenants.
    const adminPage = await gateway.admin('GET', `/admin/usage?start_time=${since}&bucket_width=1d&group_by=tenant_id`);
    const tenants = (adminPage.body as { data: { results: { tenant_id: string }[] }[] }).data.flatMap((bucket) =>
      bucket.results.map((r) => r.tenant_id),
    );
    expect(tenants).toContain(tenantId);
  });

  it('exports CSV, keeps billing keys to usage only and client keys away from usage', async () => {
    const { gateway, client, key, tenantId } = env();
    const billing = await billingKey(gateway, tenantId);
    const csv = await exportEvents(gateway, billing, 'csv');
    const [header, ...rows] = csv.trim().split('\r\n');
    expect(header).toMatch(/^id,tenant_id,key_id,model,provider,created_at_ms,/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.split(',')[1] === tenantId)).toBe(true);

    const asBilling = openaiClient(gateway.url, billing);
    await expect(
      asBilling.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    const asClient = await fetch(`${gateway.url}/v1/usage?start_time=0`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(asClient.status).toBe(403);
    void client;
  });

  it('exposes Prometheus counters of tokens and cost by tenant and model to the operator', async () => {
    const { gateway, tenantId } = env();
    const metrics = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('# TYPE voxgate_tokens_total counter');
    expect(text).toMatch(
      new RegExp(`voxgate_cost_usd_micros_total\\{tenant="${tenantId}",model="${SNAPSHOT}"\\} \\d+`),
    );
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
  });

  it('rejects malformed usage queries with a 400 naming the parameter', async () => {
    const { gateway, tenantId } = env();
    const billing = await billingKey(gateway, tenantId);
    for (const [query, param] of [
      ['', 'start_time'],
      ['start_time=10&bucket_width=1w', 'bucket_width'],
      ['start_time=10&page=abc', 'page'],
      ['start_time=10&end_time=5', 'end_time'],
    ] as const) {
      const response = await fetch(`${gateway.url}/v1/usage?${query}`, {
        headers: { authorization: `Bearer ${billing}` },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    void collectSseEvents;
  });
});
