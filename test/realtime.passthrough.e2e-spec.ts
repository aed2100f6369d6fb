import { REALTIME_AUDIO_TOKENS_PER_SECOND, SPEECH_TRANSCRIPT, speechPcm16, wavFromPcm16 } from '@voxgate/testing';
import { ffmpegSeconds } from './support/decode';
import { useRelayEnv } from './support/e2e-env';
import type { GatewayProcess } from './support/gateway-process';
import { RealtimeTestClient } from './support/realtime-client';
import { relayConfig, UPSTREAM_KEY } from './support/relay-config';
import { LOOPBACK_ONLY, registerTool } from './support/tools-env';

const RT_SNAPSHOT = 'gpt-realtime-2025-08-28';
const RT_ALIAS = 'gpt-realtime';
const SPEECH_SECONDS = speechPcm16().length / 48_000;

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The usage events of a tenant, through the billing export. */
async function usageEvents(gateway: GatewayProcess, tenantId: string): Promise<Record<string, unknown>[]> {
  const billing = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'billing', scope: 'billing' });
  const since = Math.floor(Date.now() / 1000) - 3600;
  const exported = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
    headers: { authorization: `Bearer ${(billing.body as { key: string }).key}` },
  });
  return (await exported.text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

type Json = Record<string, unknown>;

describe('GET /v1/realtime (pass-through to the provider realtime endpoint)', () => {
  const models = [
    ...(relayConfig('http://unused').models as unknown[]),
    {
      id: RT_SNAPSHOT,
      aliases: [RT_ALIAS],
      provider: 'openai',
      realtime: 'passthrough',
      pricing: { textInput: '4.00', textOutput: '16.00', audioInput: '32.00', audioOutput: '64.00' },
    },
  ];
  const env = useRelayEnv({}, { models, tools: LOOPBACK_ONLY });
  const open: RealtimeTestClient[] = [];
  const connect = async (key = env().key, model = RT_ALIAS) => {
    const client = await RealtimeTestClient.open(env().gateway.url, key, model);
    open.push(client);
    return client;
  };
  beforeEach(() => env().upstream.clear());
  afterEach(() => {
    for (const client of open.splice(0)) {
      client.assertAllValid();
      // The provider key never reaches a client, in any event of any session.
      expect(JSON.stringify(client.events)).not.toContain(UPSTREAM_KEY);
      client.close();
    }
  });
  afterAll(() => expect(env().gateway.output).not.toContain(UPSTREAM_KEY));

  it('a spoken turn: relayed to the provider with its key, the answer decodes, and the response is metered', async () => {
    const { gateway, upstream } = env();
    const { key, keyId, tenantId } = await gateway.createTenantKey('passthrough turn');
    const client = await connect(key);
    const created = await client.next('session.created');
    expect(created.session).toMatchObject({ type: 'realtime', model: RT_SNAPSHOT });

    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    await client.next('session.updated');
    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    await client.next('input_audio_buffer.committed');
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    const usage = done.response.usage!;
    expect(usage.input_token_details?.audio_tokens).toBe(
      Math.ceil(SPEECH_SECONDS * REALTIME_AUDIO_TOKENS_PER_SECOND.input),
    );

    const pcm = Buffer.concat(
      client.of('response.output_audio.delta').map((event) => Buffer.from(event.delta, 'base64')),
    );
    expect(pcm.equals(speechPcm16())).toBe(true);
    expect(ffmpegSeconds(wavFromPcm16(pcm), 'wav')).toBeCloseTo(SPEECH_SECONDS, 2);
    expect((await client.next('response.output_audio_transcript.done')).transcript).toBe(SPEECH_TRANSCRIPT);

    // The provider saw the gateway's handshake (its key, the upstream model) and the client's events.
    const session = upstream.realtimeSessions[0]!;
    expect(session.path).toBe('/v1/realtime');
    expect(session.query).toEqual({ model: RT_SNAPSHOT });
    expect(session.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(session.headers.authorization).not.toContain(key);
    const types = session.events.map((event) => (event as Json).type);
    expect(types.filter((type) => type === 'input_audio_buffer.append').length).toBeGreaterThan(10);
    expect(types.slice(-2)).toEqual(['input_audio_buffer.commit', 'response.create']);

    let events: Record<string, unknown>[] = [];
    for (let attempt = 0; attempt < 50 && events.length === 0; attempt++) {
      events = await usageEvents(gateway, tenantId);
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events).toHaveLength(1);
    const input = usage.input_token_details!;
    const output = usage.output_token_details!;
    expect(events[0]).toMatchObject({
      id: expect.stringContaining(done.response.id!),
      tenant_id: tenantId,
      key_id: keyId,
      model: RT_SNAPSHOT,
      provider: 'openai',
      status: 'completed',
      input_text_tokens: input.text_tokens,
      input_audio_tokens: input.audio_tokens,
      output_text_tokens: output.text_tokens,
      output_audio_tokens: output.audio_tokens,
      tool_calls: 0,
    });
    // Priced like chat, at the model's prices (USD per 1M tokens → micro-USD).
    const cost =
      input.text_tokens! * 4 + input.audio_tokens! * 32 + output.text_tokens! * 16 + output.audio_tokens! * 64;
    expect(events[0]!.cost_micros).toBe(cost);
    expect(events[0]!.audio_in_ms).toBe(Math.round(SPEECH_SECONDS * 1000));
    expect(events[0]!.audio_out_ms).toBe(Math.round(SPEECH_SECONDS * 1000));
  });

  it("runs the tenant's server tool itself: the result goes upstream, the client never sees the call", async () => {
    const { gateway, upstream } = env();
    const { key, tenantId } = await gateway.createTenantKey('passthrough server tool');
    await registerTool(gateway, tenantId, { name: 'kb', implementation: { type: 'builtin', module: 'search' } });
    const upload = await gateway.admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
      documents: [{ id: 'hours', title: 'Opening hours', text: 'We open at 7 pm and close at midnight.' }],
    });
    expect(upload.status).toBe(201);

    const client = await connect(key);
    // Sent at once, before the provider session is even open: it must still get the server tools added.
    const lookup = { type: 'function' as const, name: 'lookup_order', parameters: { type: 'object', properties: {} } };
    client.send({ type: 'session.update', session: { type: 'realtime', tools: [lookup] } });
    const created = await client.next('session.created');
    expect((created.session as { tools?: unknown[] }).tools ?? []).toEqual([]);
    const updated = await client.next('session.updated');
    expect((updated.session as { tools?: unknown[] }).tools).toEqual([lookup]);
    upstream.enqueueRealtime({ kind: 'functionCall', name: 'kb', arguments: { query: 'opening hours' } });
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'When do you open?' }] },
    });
    client.send({ type: 'response.create' });
    const first = await client.next('response.done');
    expect(first.response.output).toEqual([]);
    const answer = await client.next('response.done', 1);
    expect(answer.response.status).toBe('completed');
    expect(answer.response.output?.[0]).toMatchObject({ type: 'message', role: 'assistant' });

    // Nothing about the server call reached the client.
    expect(client.of('response.function_call_arguments.done')).toEqual([]);
    expect(JSON.stringify(client.events)).not.toContain('function_call');
    expect(client.of('session.updated')).toHaveLength(1); // the gateway's own tools update is not echoed

    // Upstream: the tools added to the session, the call's output, then a new response.
    const sent = upstream.realtimeSessions[0]!.events as Json[];
    expect(sent[0]).toEqual({
      type: 'session.update',
      session: { type: 'realtime', tools: [expect.objectContaining({ type: 'function', name: 'kb' })] },
    });
    expect(sent[1]).toEqual({
      type: 'session.update',
      session: { type: 'realtime', tools: [lookup, expect.objectContaining({ type: 'function', name: 'kb' })] },
    });
    const outputItem = sent.find(
      (event) => event.type === 'conversation.item.create' && 'call_id' in (event.item as Json),
    );
    expect(outputItem).toBeDefined();
    const item = outputItem!.item as { type: string; output: string };
    expect(item.type).toBe('function_call_output');
    expect(item.output).toContain('midnight');
    expect(sent.at(-1)).toEqual({ type: 'response.create' });

    let events: Record<string, unknown>[] = [];
    for (let attempt = 0; attempt < 50 && events.length < 2; attempt++) {
      events = await usageEvents(gateway, tenantId);
      if (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events.map((event) => event.tool_calls).sort()).toEqual([0, 1]);
  });

  it('passes a client tool call through, and its output back', async () => {
    const { upstream } = env();
    const client = await connect();
    await client.next('session.created');
    const tool = {
      type: 'function' as const,
      name: 'get_weather',
      description: 'Weather of a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    };
    client.send({ type: 'session.update', session: { type: 'realtime', tools: [tool] } });
    const updated = await client.next('session.updated');
    expect((updated.session as { tools?: unknown[] }).tools).toEqual([tool]);
    upstream.enqueueRealtime({
      kind: 'functionCall',
      name: 'get_weather',
      arguments: { city: 'Paris' },
      callId: 'call_w1',
    });
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
    });
    client.send({ type: 'response.create' });
    const args = await client.next('response.function_call_arguments.done');
    expect(args).toMatchObject({ name: 'get_weather', call_id: 'call_w1' });
    expect(JSON.parse(args.arguments)).toEqual({ city: 'Paris' });
    const done = await client.next('response.done');
    expect(done.response.output?.[0]).toMatchObject({ type: 'function_call', name: 'get_weather' });

    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_w1', output: '{"temp_c":21}' },
    });
    client.send({ type: 'response.create' });
    expect((await client.next('response.done', 1)).response.status).toBe('completed');
    const sent = upstream.realtimeSessions[0]!.events as Json[];
    expect(sent).toContainEqual({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_w1', output: '{"temp_c":21}' },
    });
    // The gateway made no extra response: the client drove both.
    expect(sent.filter((event) => event.type === 'response.create')).toHaveLength(2);
  });

  it('a session that runs out of tokens mid-session gets the quota error and a clean close (1008), upstream closed too', async () => {
    const { gateway, upstream } = env();
    const { key, tenantId } = await gateway.createTenantKey('passthrough quota');
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { tokens_per_day: 60 })).status).toBe(200);
    const client = await connect(key);
    await client.next('session.created');
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response.usage!.total_tokens).toBeGreaterThan(60);
    await waitFor(() => client.closed !== null);
    expect(client.closed?.code).toBe(1008);
    const error = client.of('error').at(-1)!;
    expect(error.error.code).toBe('rate_limit_exceeded');
    expect(error.error.message).toMatch(/tokens/);
    await waitFor(() => upstream.realtimeSessions[0]?.closed !== null);
    expect(upstream.realtimeSessions[0]!.closed?.code).toBe(1000);

    // The next session of that tenant is refused at once, before any provider session.
    const next = await connect(key);
    await waitFor(() => next.closed !== null);
    expect(next.closed?.code).toBe(1008);
    expect(next.of('error')[0]?.error.code).toBe('rate_limit_exceeded');
    expect(upstream.realtimeSessions).toHaveLength(1);
  });

  it('scrubs the provider key from what the provider sends', async () => {
    const { upstream } = env();
    const client = await connect();
    await client.next('session.created');
    upstream.enqueueRealtime({
      kind: 'error',
      code: 'invalid_api_key',
      message: `Incorrect API key provided: ${UPSTREAM_KEY}.`,
    });
    client.send({ type: 'response.create' });
    const error = await client.next('error');
    expect(error.error.message).toBe('Incorrect API key provided: [redacted].');
    await client.next('response.done');
  });

  it('malformed or unknown client events get error events and go no further; the session carries on', async () => {
    const { upstream } = env();
    const client = await connect();
    await client.next('session.created');
    client.sendRaw('{garbage');
    client.sendRaw(JSON.stringify({ type: 'session.nonsense', event_id: 'evt_1' }));
    client.sendRaw(JSON.stringify({ type: 'input_audio_buffer.commit', extra: 1 }));
    await client.next('error', 2);
    expect(client.of('error').map((event) => event.error.code)).toEqual([
      'invalid_json',
      'unknown_event',
      'invalid_value',
    ]);
    expect(client.of('error')[1]!.error.event_id).toBe('evt_1');
    client.send({ type: 'response.create' });
    expect((await client.next('response.done')).response.status).toBe('completed');
    expect((upstream.realtimeSessions[0]!.events as Json[]).map((event) => event.type)).toEqual(['response.create']);
    expect(client.closed).toBeNull();
  });

  it('a provider that refuses the handshake or drops the session: error event, close 1011; a client close closes upstream', async () => {
    const { upstream } = env();
    upstream.refuseRealtime(503);
    const refused = await connect();
    await waitFor(() => refused.closed !== null);
    expect(refused.closed?.code).toBe(1011);
    expect(refused.of('error')[0]?.error).toMatchObject({ type: 'server_error', code: 'upstream_error' });
    expect(refused.of('error')[0]?.error.message).toContain('503');
    upstream.refuseRealtime(null);

    const dropped = await connect();
    await dropped.next('session.created');
    upstream.enqueueRealtime({ kind: 'close', code: 1011, reason: 'boom' });
    dropped.send({ type: 'response.create' });
    await waitFor(() => dropped.closed !== null);
    expect(dropped.closed?.code).toBe(1011);
    expect(dropped.of('error')[0]?.error.code).toBe('upstream_error');

    const leaving = await connect();
    await leaving.next('session.created');
    const session = upstream.realtimeSessions.at(-1)!;
    leaving.close();
    await waitFor(() => session.closed !== null);
    expect(session.closed?.code).toBe(1000);
  });
});
