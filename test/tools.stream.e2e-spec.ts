import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PaymentLedgerRepository, SetCustomerBalance, SetPaymentPolicy } from '@voxgate/tools';
import { FakeUpstream, PCM16_BYTES_PER_SECOND, SPEECH_TRANSCRIPT, speechPcm16 } from '@voxgate/testing';
import { Redis } from 'ioredis';
import type OpenAI from 'openai';
import { ffmpegSeconds } from './support/decode';
import { spec, validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk & {
  voxgate?: { tool_runs: { name: string; status: string; replayed: boolean }[] };
};
type SentMessage = { role: string; content?: unknown; tool_call_id?: string; tool_calls?: unknown[] };

/** Validates a chunk against the spec with undeclared keys rejected, the documented `voxgate` field aside. */
function assertSpecChunk(chunk: Chunk, audioFormat?: string): void {
  const { voxgate, ...openai } = chunk;
  if (voxgate !== undefined) {
    for (const run of voxgate.tool_runs) expect(Object.keys(run).sort()).toEqual(['name', 'replayed', 'status']);
  }
  spec.assertValidStreamChunk(openai, audioFormat);
}

/** An HTTP tool backend that answers after `delayMs` and records whether each call ran to its end. */
class SlowToolServer {
  readonly calls: { body: string; completed: boolean; closedEarly: boolean }[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly delayMs: number) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (data: Buffer) => (body += data.toString()));
      request.on('end', () => {
        const call = { body, completed: false, closedEarly: false };
        this.calls.push(call);
        response.on('close', () => {
          if (!call.completed) call.closedEarly = true;
        });
        setTimeout(() => {
          if (call.closedEarly) return;
          call.completed = true;
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ shipped: true, tracking: `TRK-${this.calls.length}` }));
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ship`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('server-side tools on streaming completions', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let key: string;
  let tenantId: string;
  let redis: Redis;
  const shipping = new SlowToolServer(600);

  beforeAll(async () => {
    await shipping.start();
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({
      config: {
        ...relayConfig(upstream.baseUrl),
        server: { sseKeepAliveMs: 150 },
        tools: { ssrfAllowList: ['127.0.0.0/8'], confirmationSecret: 'e2e-secret-for-stream-tools' },
      },
    });
    ({ key, tenantId } = await gateway.createTenantKey());
    client = openaiClient(gateway.url, key);
    redis = new Redis(REDIS_URL, { keyPrefix: gateway.redisPrefix, lazyConnect: false });

    const register = async (tool: Record<string, unknown>) => {
      const created = await gateway.admin('POST', '/admin/tools', tool);
      expect(created.status).toBe(201);
      expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/${String(tool['name'])}`)).status).toBe(200);
    };
    await register({ name: 'kb', implementation: { type: 'builtin', module: 'search' } });
    await register({ name: 'pay', implementation: { type: 'builtin', module: 'payment', operation: 'charge' } });
    await register({
      name: 'ship_order',
      description: 'Ships an order.',
      parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
      effect: 'side_effect',
      timeout_ms: 5_000,
      implementation: { type: 'http', url: shipping.url, method: 'POST' },
    });
    const documents = await gateway.admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
      documents: [{ id: 'hours', title: 'Opening hours', text: 'The restaurant opens at 7 pm.' }],
    });
    expect(documents.status).toBe(201);
  });

  afterEach(() => {
    upstream.assertNoViolations();
    upstream.clear();
  });

  afterAll(async () => {
    redis.disconnect();
    await gateway.stop();
    await upstream.stop();
    await shipping.stop();
  });

  async function collect(
    params: Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming, 'model' | 'stream'>,
    headers: Record<string, string> = {},
  ): Promise<Chunk[]> {
    const stream = await client.chat.completions.create({ model: SNAPSHOT, stream: true, ...params }, { headers });
    const chunks: Chunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  it('streams what the model says around a tool round as one response, hiding server calls and summing usage', async () => {
    upstream.enqueue(
      {
        kind: 'toolCalls',
        say: 'Let me check.',
        calls: [{ name: 'kb', arguments: { query: 'when do you open' }, id: 'call_kb' }],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      },
      {
        kind: 'completion',
        message: { content: 'We open at 7 pm.' },
        usage: { prompt_tokens: 150, completion_tokens: 8, total_tokens: 158 },
      },
    );
    const chunks = await collect({
      messages: [{ role: 'user', content: 'When do you open?' }],
      stream_options: { include_usage: true },
    });
    for (const chunk of chunks) assertSpecChunk(chunk);

    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Let me check. We open at 7 pm.',
    );
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role)).toHaveLength(1);
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls)).toBe(false);
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual([
      'stop',
    ]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 250, completion_tokens: 18, total_tokens: 268 });
    expect(chunks.flatMap((chunk) => chunk.voxgate?.tool_runs ?? [])).toEqual([
      { name: 'kb', status: 'ok', replayed: false },
    ]);

    const second = upstream.requests[1]!.body as { messages: SentMessage[]; stream: boolean };
    expect(second.stream).toBe(true);
    expect(second.messages.slice(1, 3)).toMatchObject([
      { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_kb' }] },
      { role: 'tool', tool_call_id: 'call_kb' },
    ]);
    expect(JSON.stringify(second.messages[2]!.content)).toContain('7 pm');
  });

  it('speaks every round into one playable file with one audio id, and stores the tool round in the session', async () => {
    upstream.enqueue(
      { kind: 'toolCalls', say: 'One moment.', calls: [{ name: 'kb', arguments: { query: 'hours' }, id: 'call_a' }] },
      { kind: 'completion' },
    );
    const chunks = await collect(
      {
        messages: [{ role: 'user', content: 'Are you open tonight?' }],
        modalities: ['text', 'audio'],
        audio: { voice: 'alloy', format: 'mp3' },
      },
      { 'x-session-id': 'stream-tools-audio' },
    );
    for (const chunk of chunks) assertSpecChunk(chunk, 'mp3');
    type DeltaAudio = { id?: string; data?: string; transcript?: string; expires_at?: number };
    const audio = chunks.flatMap((chunk) => {
      const delta = chunk.choices[0]?.delta as { audio?: DeltaAudio } | undefined;
      return delta?.audio ? [delta.audio] : [];
    });
    const ids = new Set(audio.flatMap((part) => (part.id ? [part.id] : [])));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^audio_vg_/);
    expect(audio.filter((part) => part.expires_at !== undefined)).toHaveLength(1);
    expect(audio.map((part) => part.transcript ?? '').join('')).toBe(`One moment. ${SPEECH_TRANSCRIPT}`);

    const mp3 = Buffer.concat(audio.map((part) => Buffer.from(part.data ?? '', 'base64')));
    const expected = 1 + speechPcm16().length / PCM16_BYTES_PER_SECOND;
    expect(Math.abs(ffmpegSeconds(mp3, 'mp3') - expected)).toBeLessThan(0.15);

    const session = (await (
      await fetch(`${gateway.url}/v1/sessions/stream-tools-audio`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { turns: { messages: SentMessage[] }[] };
    expect(session.turns[0]!.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(session.turns[0]!.messages[1]).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_a' }] });
  });

  it('keeps the stream alive with SSE comments while a slow tool runs', async () => {
    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'ship_order', arguments: { order: 'keepalive-1' } }] },
      { kind: 'completion', message: { content: 'Shipped.' } },
    );
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SNAPSHOT, stream: true, messages: [{ role: 'user', content: 'Ship it' }] }),
    });
    const raw = await response.text();
    expect(raw.match(/^: keep-alive$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(raw).toContain('Shipped.');
  });

  it('returns client tool calls as OpenAI streams them, after running the server calls of the same message', async () => {
    upstream.enqueue({
      kind: 'toolCalls',
      calls: [
        { name: 'kb', arguments: { query: 'hours' }, id: 'call_server' },
        { name: 'show_map', arguments: { place: 'restaurant' }, id: 'call_client' },
      ],
    });
    const chunks = await collect({
      messages: [{ role: 'user', content: 'Where and when?' }],
      tools: [{ type: 'function', function: { name: 'show_map', parameters: { type: 'object' } } }],
    });
    for (const chunk of chunks) assertSpecChunk(chunk);
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_client', function: { name: 'show_map' } });
    expect(calls.every((call) => call.index === 0)).toBe(true);
    expect(calls.slice(1).every((call) => call.id === undefined && call.function?.name === undefined)).toBe(true);
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe('{"place":"restaurant"}');
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(finish?.voxgate?.tool_runs).toEqual([{ name: 'kb', status: 'ok', replayed: false }]);
    expect(upstream.requests).toHaveLength(1);
  });

  it('reports a later round that fails as an in-band stream error, after what was already said', async () => {
    const failure = {
      kind: 'json' as const,
      status: 500,
      body: { error: { message: 'boom', type: 'server_error', param: null, code: null } },
    };
    upstream.enqueue(
      { kind: 'toolCalls', say: 'Checking.', calls: [{ name: 'kb', arguments: { query: 'x' } }] },
      failure,
      failure,
    );
    const said: string[] = [];
    const stream = await client.chat.completions.create({
      model: SNAPSHOT,
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const error = await (async () => {
      for await (const chunk of stream) said.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(said.join('')).toBe('Checking.');
    expect(error).toMatchObject({ error: { type: 'upstream_error', code: 'upstream_error' } });
  });

  it('never cancels a committed side effect when the client disconnects, and a retry replays it', async () => {
    upstream.respondWith((body) => {
      const messages = (body as { messages: SentMessage[] }).messages;
      return messages.at(-1)?.role === 'tool'
        ? { kind: 'completion', message: { content: 'Your order is on its way.' } }
        : { kind: 'toolCalls', say: 'Shipping it now.', calls: [{ name: 'ship_order', arguments: { order: 'A-17' } }] };
    });
    const before = shipping.calls.length;
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { model: SNAPSHOT, stream: true, messages: [{ role: 'user', content: 'Ship order A-17' }] },
      { headers: { 'idempotency-key': 'ship-A-17' }, signal: abort.signal },
    );
    await (async () => {
      for await (const _chunk of stream) {
        // Round 1 is streaming; give the gateway time to finish it and start the tool, then hang up.
        await new Promise((resolve) => setTimeout(resolve, 250));
        abort.abort();
      }
    })().catch(() => undefined);
    await waitFor(() => shipping.calls.length > before && shipping.calls.at(-1)!.completed, 3_000);
    expect(shipping.calls.at(-1)).toMatchObject({ completed: true, closedEarly: false });

    const retried = await collect(
      { messages: [{ role: 'user', content: 'Ship order A-17' }] },
      {
        'idempotency-key': 'ship-A-17',
      },
    );
    expect(shipping.calls.length).toBe(before + 1);
    expect(retried.flatMap((chunk) => chunk.voxgate?.tool_runs ?? [])).toEqual([
      { name: 'ship_order', status: 'ok', replayed: true },
    ]);
    expect(retried.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toContain('on its way');
  });

  it('chaos: retried, duplicated and disconnected payment requests charge exactly once per intended payment', async () => {
    const payments = new PaymentLedgerRepository(redis, Date.now);
    await new SetPaymentPolicy(payments).execute(tenantId, {
      currencies: { EUR: { max_amount: '500.00', confirmation_above: null } },
    });
    await new SetCustomerBalance(payments).execute(tenantId, 'cus_chaos', 'EUR', { amount: '1000.00' });
    upstream.respondWith((body) => {
      const messages = (body as { messages: SentMessage[] }).messages;
      if (messages.at(-1)?.role === 'tool') return { kind: 'completion', message: { content: 'Payment done.' } };
      const order = /order (\d+)/.exec(JSON.stringify(messages.at(-1)?.content))?.[1] ?? '0';
      const charge = {
        name: 'pay',
        arguments: { customer_id: 'cus_chaos', amount: '10.00', currency: 'EUR', description: `order ${order}` },
      };
      // The model sometimes emits the same call twice in one message.
      return { kind: 'toolCalls', say: 'Processing.', calls: Number(order) % 2 === 0 ? [charge, charge] : [charge] };
    });

    const intended = 6;
    const attempt = async (order: number, disconnectAfterMs: number | null) => {
      const abort = new AbortController();
      const timer = disconnectAfterMs === null ? null : setTimeout(() => abort.abort(), disconnectAfterMs);
      try {
        const stream = await client.chat.completions.create(
          { model: SNAPSHOT, stream: true, messages: [{ role: 'user', content: `Pay for order ${order}` }] },
          { headers: { 'idempotency-key': `chaos-order-${order}` }, signal: abort.signal },
        );
        for await (const _chunk of stream) {
          // drain
        }
      } catch {
        // disconnected on purpose
      } finally {
        if (timer) clearTimeout(timer);
      }
    };
    await Promise.all(
      Array.from({ length: intended }, async (_, order) => {
        // Duplicates in flight at once, some of them hanging up at random moments…
        await Promise.all([
          attempt(order, null),
          attempt(order, null),
          attempt(order, 5 + Math.floor(Math.random() * 40)),
          attempt(order, 5 + Math.floor(Math.random() * 40)),
        ]);
        // …then the client's retries.
        await attempt(order, Math.floor(Math.random() * 30));
        await attempt(order, null);
      }),
    );

    const charged = await chargesOf(redis, tenantId);
    expect(charged.map((payment) => payment.description).sort()).toEqual(
      Array.from({ length: intended }, (_, order) => `order ${order}`).sort(),
    );
    expect(await payments.balances(tenantId, 'cus_chaos')).toEqual({ EUR: 100_000 - intended * 1_000 });
  }, 60_000);
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every charge recorded in the built-in ledger of the tenant. */
async function chargesOf(redis: Redis, tenantId: string): Promise<{ description: string }[]> {
  const prefix = redis.options.keyPrefix ?? '';
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}payment:{t:${tenantId}}:payment:*`, 'COUNT', 500);
    cursor = next;
    keys.push(...found.map((found) => found.slice(prefix.length)));
  } while (cursor !== '0');
  return Promise.all(keys.map(async (key) => (await redis.hgetall(key)) as unknown as { description: string }));
}
