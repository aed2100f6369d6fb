import { type ExpositionFamily, FakeUpstream, parseExposition, sampleValue, samplesOf } from '@voxgate/testing';
import type OpenAI from 'openai';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { awayFromMinuteBoundary } from './support/quota-window';
import { openaiClient, SNAPSHOT, SNAPSHOT_PRICING, UPSTREAM_KEY } from './support/relay-config';

const BACKUP_KEY = 'sk-backup-key-0000';
const text = { model: SNAPSHOT, messages: [{ role: 'user' as const, content: 'x' }] };
const audio = {
  ...text,
  modalities: ['text' as const, 'audio' as const],
  audio: { voice: 'alloy' as const, format: 'pcm16' as const },
};
const opaque503 = {
  kind: 'json' as const,
  status: 503,
  body: { error: { message: 'Overloaded', type: 'server_error', param: null, code: null } },
};

/**
 * `/metrics` of the built gateway after real traffic through the official SDK: a streamed audio
 * completion, JSON ones (one with audio), a fallback after the primary's 503, a quota refusal and an
 * unknown route. The exposition is parsed strictly and the values asserted, series by series.
 */
describe('/metrics', () => {
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let limited: OpenAI;

  beforeAll(async () => {
    primary = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    backup = await FakeUpstream.start({ apiKey: BACKUP_KEY, validator });
    const provider = (url: string, apiKey: string) => ({ type: 'openai', baseUrl: url, apiKey, maxRetries: 0 });
    gateway = await GatewayProcess.start({
      config: {
        providers: { primary: provider(primary.baseUrl, UPSTREAM_KEY), backup: provider(backup.baseUrl, BACKUP_KEY) },
        models: [{ id: SNAPSHOT, provider: 'primary', pricing: SNAPSHOT_PRICING, fallbacks: [{ provider: 'backup' }] }],
      },
    });
    client = openaiClient(gateway.url, (await gateway.createTenantKey('metrics')).key);
    const other = await gateway.createTenantKey('limited');
    await gateway.admin('PUT', `/admin/tenants/${other.tenantId}/quotas`, { requests_per_minute: 1 });
    limited = openaiClient(gateway.url, other.key);
  });

  afterEach(() => {
    primary.assertNoViolations();
    backup.assertNoViolations();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([primary?.stop(), backup?.stop()]);
  });

  async function scrape(): Promise<{ families: Map<string, ExpositionFamily>; contentType: string | null }> {
    const response = await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: `Bearer ${gateway.adminKey}` },
    });
    expect(response.status).toBe(200);
    return { families: parseExposition(await response.text()), contentType: response.headers.get('content-type') };
  }

  it('counts what happened: durations by route, first byte and audio by model, upstream calls, fallbacks, refusals', async () => {
    // 1. A streamed audio completion.
    const stream = await client.chat.completions.create({ ...audio, stream: true });
    let audioBytes = 0;
    for await (const chunk of stream) {
      const data = (chunk.choices[0]?.delta as { audio?: { data?: string } } | undefined)?.audio?.data;
      if (data) audioBytes += Buffer.from(data, 'base64').length;
    }
    expect(audioBytes).toBeGreaterThan(0);
    // 2. A JSON text completion and 3. a JSON audio completion.
    await client.chat.completions.create(text);
    const spoken = await client.chat.completions.create(audio);
    expect(spoken.choices[0]?.message.audio?.data.length).toBeGreaterThan(0);
    // 4. The primary fails with a 503: the backup serves it.
    primary.enqueue(opaque503);
    const { response } = await client.chat.completions.create(text).withResponse();
    expect(response.headers.get('x-voxgate-provider')).toBe('backup');
    // 5. A quota refusal: the second request of the minute.
    await awayFromMinuteBoundary();
    await limited.chat.completions.create(text);
    const refused = await limited.chat.completions.create(text).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429 });
    // 6. An unknown route.
    expect((await fetch(`${gateway.url}/v1/nowhere/${'x'.repeat(8)}`)).status).toBe(404);

    const { families, contentType } = await scrape();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(families, name, labels);

    const chat = { route: '/v1/chat/completions', method: 'POST' };
    expect(families.get('voxgate_http_request_duration_seconds')?.type).toBe('histogram');
    expect(value('voxgate_http_request_duration_seconds_count', { ...chat, status_class: '2xx' })).toBe(5);
    expect(value('voxgate_http_request_duration_seconds_count', { ...chat, status_class: '4xx' })).toBe(1);
    expect(value('voxgate_http_request_duration_seconds_bucket', { ...chat, status_class: '2xx', le: '+Inf' })).toBe(5);
    expect(
      value('voxgate_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status_class: '4xx' }),
    ).toBe(1);
    // The raw URL never becomes a label.
    expect(samplesOf(families, 'voxgate_http_request_duration_seconds_count').map((s) => s.labels.route)).not.toContain(
      `/v1/nowhere/${'x'.repeat(8)}`,
    );
    expect(value('voxgate_http_request_duration_seconds_sum', { ...chat, status_class: '2xx' })).toBeGreaterThan(0);

    expect(value('voxgate_time_to_first_byte_seconds_count', { model: SNAPSHOT, stream: 'true' })).toBe(1);
    expect(value('voxgate_time_to_first_byte_seconds_count', { model: SNAPSHOT, stream: 'false' })).toBe(4);
    expect(value('voxgate_time_to_first_audio_seconds_count', { model: SNAPSHOT })).toBe(2);
    expect(value('voxgate_time_to_first_audio_seconds_sum', { model: SNAPSHOT })).toBeGreaterThan(0);

    expect(value('voxgate_upstream_calls_total', { provider: 'primary', status: '200' })).toBe(4);
    expect(value('voxgate_upstream_calls_total', { provider: 'primary', status: '502' })).toBe(1);
    expect(value('voxgate_upstream_calls_total', { provider: 'backup', status: '200' })).toBe(1);
    expect(value('voxgate_upstream_call_duration_seconds_count', { provider: 'primary', status: '502' })).toBe(1);
    expect(value('voxgate_upstream_fallbacks_total', { from: 'primary', to: 'backup' })).toBe(1);
    expect(value('voxgate_provider_circuit_state', { provider: 'primary' })).toBe(0);
    expect(value('voxgate_provider_circuit_state', { provider: 'backup' })).toBe(0);

    expect(
      value('voxgate_quota_refusals_total', { limit: 'requests_per_minute', scope: 'tenant', enforced: 'true' }),
    ).toBe(1);
    expect(samplesOf(families, 'voxgate_quota_refusals_total')).toHaveLength(1);

    expect(value('voxgate_batch_lines_in_flight')).toBe(0);
    expect(value('voxgate_batch_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(value('voxgate_outbox_pending')).toBe(0);
    expect(families.get('voxgate_redis_errors_total')?.type).toBe('counter');
    expect(samplesOf(families, 'voxgate_redis_errors_total')).toEqual([]);
    expect(
      samplesOf(families, 'voxgate_requests_total', { model: SNAPSHOT, status: 'completed' }).reduce(
        (sum, s) => sum + s.value,
        0,
      ),
    ).toBe(5);
  }, 60_000);

  it('answers only with the admin key', async () => {
    const anonymous = await fetch(`${gateway.url}/metrics`);
    expect(anonymous.status).toBe(401);
    const tenant = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${client.apiKey}` } });
    expect([401, 403]).toContain(tenant.status);
  });
});
