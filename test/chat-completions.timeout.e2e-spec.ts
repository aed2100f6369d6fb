import OpenAI from 'openai';
import { useRelayEnv } from './support/e2e-env';
import type { GatewayProcess } from './support/gateway-process';
import { SNAPSHOT } from './support/relay-config';

// No assertion here measures time: each test checks which timeout ended the call (its message names
// it) and that the call did end, where without the timeout it would hang until the test times out.
const FIRST_BYTE_MS = 400;
const IDLE_MS = 1_000;

const audioStream = {
  model: SNAPSHOT,
  modalities: ['text', 'audio'] as ('text' | 'audio')[],
  audio: { voice: 'alloy' as const, format: 'pcm16' as const },
  messages: [{ role: 'user' as const, content: 'x' }],
  stream: true as const,
};

interface UsageEventJson {
  id: string;
  status: string;
  stream: boolean;
  estimated: boolean;
  input_text_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
}

/** The usage event of request `id`, once the gateway recorded it. */
async function usageEvent(gateway: GatewayProcess, tenantId: string, id: string): Promise<UsageEventJson | undefined> {
  const created = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'billing', scope: 'billing' });
  const key = (created.body as { key: string }).key;
  const since = Math.floor(Date.now() / 1000) - 3600;
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const events = (await response.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as UsageEventJson);
    const found = events.find((event) => event.id === id);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

describe('upstream timeouts', () => {
  const env = useRelayEnv({ timeouts: { firstByteMs: FIRST_BYTE_MS, idleMs: IDLE_MS }, maxRetries: 0 });
  beforeAll(async () => {
    // The fake upstream loads the OpenAPI spec on its first request, which can take longer than
    // FIRST_BYTE_MS; warm it up so no test depends on which one runs first.
    await env()
      .client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] })
      .catch(() => undefined);
  });

  it('answers 504 upstream_timeout when the provider does not answer within firstByteMs, and cancels the call', async () => {
    const { client, upstream } = env();
    upstream.enqueue({ kind: 'delay', ms: 30_000 });
    const error = await client.chat.completions
      .create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_timeout');
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('did not answer within 0.4 s');
    const aborted = await upstream.waitForAbort(-1, 3_000);
    expect(aborted.aborted).toBe(true);
  });

  it('answers a stream that stalls before its first byte with a 504, not an open stream', async () => {
    const { client, upstream } = env();
    upstream.enqueue({ kind: 'delay', ms: 30_000 });
    const error = await client.chat.completions.create(audioStream).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_timeout');
    expect((await upstream.waitForAbort(-1, 3_000)).aborted).toBe(true);
  });

  it('ends a stream that stalls after its first chunks with an in-band upstream_timeout, metered as estimated', async () => {
    const { client, upstream, gateway, tenantId } = env();
    upstream.enqueue({ kind: 'stall', afterChunks: 3 });
    const { data: stream, response } = await client.chat.completions.create(audioStream).withResponse();
    const received: OpenAI.ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((e: unknown) => e);

    // The SDK stream ends by throwing the gateway's error event instead of hanging on keep-alives.
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain(
      "The provider 'openai' sent nothing more for 1 s",
    );
    expect(received.length).toBeGreaterThan(0);
    expect((await upstream.waitForAbort(-1, 3_000)).aborted).toBe(true);

    const event = await usageEvent(gateway, tenantId, response.headers.get('x-request-id')!);
    expect(event).toMatchObject({ status: 'upstream_error', stream: true, estimated: true });
    expect(event!.input_text_tokens).toBeGreaterThan(0);
    expect(event!.output_text_tokens + event!.output_audio_tokens).toBeGreaterThan(0);
  });

  it('lets a stream outlast firstByteMs and idleMs while its chunks keep coming', async () => {
    const { client, upstream } = env();
    upstream.chunkDelayMs = 150; // the whole stream takes longer than FIRST_BYTE_MS; no gap nears IDLE_MS
    try {
      const stream = await client.chat.completions.create(audioStream);
      let chunks = 0;
      for await (const _chunk of stream) chunks++;
      expect(chunks).toBeGreaterThan(5);
    } finally {
      upstream.chunkDelayMs = 0;
    }
  });
});
