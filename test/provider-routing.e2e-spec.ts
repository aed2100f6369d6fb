import { FakeUpstream } from '@voxgate/testing';
import OpenAI from 'openai';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, SNAPSHOT, SNAPSHOT_PRICING, UPSTREAM_KEY } from './support/relay-config';

const COOLDOWN_MS = 400;
const WEIGHTED = 'weighted-audio';

interface UsageEventJson {
  id: string;
  provider: string;
  status: string;
  input_text_tokens: number;
  input_cached_tokens: number;
  input_audio_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
  cost_micros: number;
}

const opaque503 = {
  kind: 'json' as const,
  status: 503,
  body: { error: { message: 'Overloaded', type: 'server_error', param: null, code: null } },
};
const refusal400 = {
  kind: 'json' as const,
  status: 400,
  body: { error: { message: 'Invalid audio.', type: 'invalid_request_error', param: 'messages', code: null } },
};
const text = { model: SNAPSHOT, messages: [{ role: 'user' as const, content: 'x' }] };

/**
 * Two fake upstreams behind one gateway: `primary` serves the model, `backup` is its fallback (at its
 * own price, so the usage event shows which one was priced), and `weighted` holds two keys, 3:1.
 */
describe('provider routing', () => {
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let weighted: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let tenantId: string;
  let billingKey: string;

  beforeAll(async () => {
    primary = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    backup = await FakeUpstream.start({ apiKey: 'sk-backup-key-0000', validator });
    weighted = await FakeUpstream.start({ validator });
    const provider = (url: string, apiKey: string) => ({ type: 'openai', baseUrl: url, apiKey, maxRetries: 0 });
    gateway = await GatewayProcess.start({
      config: {
        providers: {
          primary: {
            ...provider(primary.baseUrl, UPSTREAM_KEY),
            breaker: { failureThreshold: 3, windowMs: 60_000, cooldownMs: COOLDOWN_MS },
          },
          backup: provider(backup.baseUrl, 'sk-backup-key-0000'),
          weighted: {
            ...provider(weighted.baseUrl, ''),
            keys: [
              { apiKey: 'sk-weighted-a', weight: 3 },
              { apiKey: 'sk-weighted-b', weight: 1 },
            ],
          },
        },
        models: [
          {
            id: SNAPSHOT,
            provider: 'primary',
            pricing: SNAPSHOT_PRICING,
            fallbacks: [{ provider: 'backup', pricing: { textInput: 1000, textOutput: 1000 } }],
          },
          { id: WEIGHTED, provider: 'weighted', upstreamModel: SNAPSHOT },
        ],
      },
    });
    const created = await gateway.createTenantKey();
    tenantId = created.tenantId;
    client = openaiClient(gateway.url, created.key);
    const billing = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'b', scope: 'billing' });
    billingKey = (billing.body as { key: string }).key;
  });

  afterEach(() => {
    for (const upstream of [primary, backup, weighted]) {
      upstream.assertNoViolations();
      upstream.clear();
    }
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([primary, backup, weighted].map((upstream) => upstream?.stop()));
  });

  async function usageEvent(id: string): Promise<UsageEventJson | undefined> {
    const since = Math.floor(Date.now() / 1000) - 3600;
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
        headers: { authorization: `Bearer ${billingKey}` },
      });
      const events = (await response.text())
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as UsageEventJson);
      const found = events.filter((event) => event.id === id);
      if (found.length > 0) return found.length === 1 ? found[0] : undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  async function metrics(): Promise<string> {
    const response = await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: `Bearer ${gateway.adminKey}` },
    });
    return response.text();
  }

  it('serves from the fallback when the primary answers 503, names it, and meters it once at its price', async () => {
    primary.enqueue(opaque503);
    const { data, response } = await client.chat.completions.create(text).withResponse();

    expect(data.model).toBe(SNAPSHOT);
    expect(response.headers.get('x-voxgate-provider')).toBe('backup');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    const event = await usageEvent(response.headers.get('x-request-id')!);
    expect(event).toMatchObject({ provider: 'backup', status: 'completed' });
    const tokens =
      event!.input_text_tokens + event!.input_audio_tokens + event!.output_text_tokens + event!.output_audio_tokens;
    expect(event!.cost_micros).toBe(tokens * 1000); // $1000 per 1M tokens: the fallback's price
  });

  it('streams from the fallback when the primary fails before the stream started', async () => {
    primary.enqueue(opaque503);
    const { data: stream, response } = await client.chat.completions.create({ ...text, stream: true }).withResponse();
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';

    expect(response.headers.get('x-voxgate-provider')).toBe('backup');
    expect(content.length).toBeGreaterThan(0);
    expect(backup.requests).toHaveLength(1);
  });

  it('answers a 400 from the primary as is, without calling the fallback', async () => {
    primary.enqueue(refusal400);
    const error = await client.chat.completions.create(text).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(backup.requests).toHaveLength(0);
  });

  it('opens the breaker after repeated failures, skips the primary while open, then probes it and closes', async () => {
    // The 400 before left the failure count at 0: it takes three 503s in a row.
    primary.enqueue(opaque503, opaque503, opaque503);
    for (let i = 0; i < 3; i++) await client.chat.completions.create(text);
    expect(primary.requests).toHaveLength(3);
    expect(await metrics()).toContain('voxgate_provider_circuit_state{provider="primary"} 2');

    const { response } = await client.chat.completions.create(text).withResponse();
    expect(response.headers.get('x-voxgate-provider')).toBe('backup');
    expect(primary.requests).toHaveLength(3); // not called while open

    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 100)); // let the cool-down pass
    const probed = await client.chat.completions.create(text).withResponse();
    expect(probed.response.headers.get('x-voxgate-provider')).toBe('primary');
    expect(primary.requests).toHaveLength(4);

    const scraped = await metrics();
    expect(scraped).toContain('voxgate_provider_circuit_state{provider="primary"} 0');
    expect(scraped).toMatch(/voxgate_upstream_calls_total\{provider="primary",status="circuit_open"\} [1-9]/);
    expect(scraped).toMatch(/voxgate_upstream_fallbacks_total\{from="primary",to="backup"\} [1-9]/);
    expect(gateway.output).toContain('provider.circuit_changed');
  });

  it('spreads requests over a provider’s keys by weight', async () => {
    for (let i = 0; i < 8; i++) await client.chat.completions.create({ ...text, model: WEIGHTED });
    const keys = weighted.requests.map((request) => request.headers.authorization);
    expect(keys.filter((key) => key === 'Bearer sk-weighted-a')).toHaveLength(6);
    expect(keys.filter((key) => key === 'Bearer sk-weighted-b')).toHaveLength(2);
  });
});
