import { speechPcm16, whiteNoise } from '@voxgate/testing';
import { useRelayEnv } from './support/e2e-env';
import { RealtimeTestClient } from './support/realtime-client';
import { ALIAS } from './support/relay-config';
import { LOOPBACK_ONLY, registerTool } from './support/tools-env';

const RATE = 24_000;
const ms = (milliseconds: number) => Buffer.alloc((RATE / 1000) * milliseconds * 2);
const pcm = (samples: Int16Array) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);

/**
 * Turn detection and what a bridged turn reports (issue #15): Silero server VAD (the gateway's default
 * `realtime.vad.engine`), `semantic_vad`, server tool runs in `response.done` metadata, `rate_limits.updated`.
 * Every event is validated against the spec by `RealtimeTestClient`.
 */
describe('GET /v1/realtime: turn detection and turn reports (bridge)', () => {
  const env = useRelayEnv({}, { tools: LOOPBACK_ONLY });
  const open: RealtimeTestClient[] = [];
  const connect = async (key = env().key) => {
    const client = await RealtimeTestClient.open(env().gateway.url, key, ALIAS);
    open.push(client);
    await client.next('session.created');
    return client;
  };
  beforeEach(() => env().upstream.clear());
  afterEach(() => {
    for (const client of open.splice(0)) {
      client.assertAllValid();
      client.close();
    }
  });

  it('Silero server VAD: a loud noise burst is no turn, the speech after it is one', async () => {
    const client = await connect();
    // Quiet room, 1.5 s of white noise at -12 dBFS (the energy detector's false alarm), silence, speech, silence.
    const before = 500 + 1500 + 600;
    client.appendPcm16(
      Buffer.concat([
        pcm(whiteNoise(0.5, -60, 1, RATE)),
        pcm(whiteNoise(1.5, -12, 2, RATE)),
        ms(600),
        speechPcm16(),
        ms(1200),
      ]),
    );
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    const [started, ...moreStarts] = client.of('input_audio_buffer.speech_started');
    expect(moreStarts).toEqual([]);
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(Math.abs(started!.audio_start_ms - (before - 300))).toBeLessThanOrEqual(150);
    expect(Math.abs(stopped.audio_end_ms - (before + 1670))).toBeLessThanOrEqual(200);
    expect((await client.next('input_audio_buffer.committed')).item_id).toBe(started!.item_id);
  });

  it('semantic_vad is accepted and ends turns after the pause its eagerness sets', async () => {
    const client = await connect();
    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'low' } } } },
    });
    const updated = await client.next('session.updated');
    expect(updated.session.audio?.input?.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'low',
      create_response: true,
      interrupt_response: true,
    });
    // `low` waits 1.5 s of silence: 1 s is not the end of the turn…
    client.appendPcm16(Buffer.concat([ms(500), speechPcm16(), ms(1000)]));
    await client.next('input_audio_buffer.speech_started');
    client.send({ type: 'conversation.item.retrieve', item_id: 'no_such_item' }); // a round trip
    await client.next('error');
    expect(client.of('input_audio_buffer.speech_stopped')).toEqual([]);
    // …another second is.
    client.appendPcm16(ms(1000));
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(Math.abs(stopped.audio_end_ms - (500 + 1670))).toBeLessThanOrEqual(200);
    expect((await client.next('response.done')).response.status).toBe('completed');
  });

  it("lists the server tools the gateway ran in response.done's metadata, never as function_call items", async () => {
    const { gateway, upstream } = env();
    const { key, tenantId } = await gateway.createTenantKey('bridged server tool');
    await registerTool(gateway, tenantId, { name: 'kb', implementation: { type: 'builtin', module: 'search' } });
    const upload = await gateway.admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
      documents: [{ id: 'hours', title: 'Opening hours', text: 'We open at 7 pm and close at midnight.' }],
    });
    expect(upload.status).toBe(201);
    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'kb', arguments: { query: 'opening hours' }, id: 'call_kb' }] },
      { kind: 'completion', message: { content: 'We open at 7 pm.' } },
    );
    const client = await connect(key);
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'When do you open?' }] },
    });
    client.send({ type: 'response.create', response: { output_modalities: ['text'], metadata: { topic: 'hours' } } });
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(done.response.metadata).toEqual({
      topic: 'hours',
      voxgate_tool_runs: '[{"name":"kb","status":"ok"}]',
      voxgate_tool_runs_count: '1',
    });
    expect(client.of('response.created')[0]?.response.metadata).toEqual({ topic: 'hours' });
    expect(done.response.output?.map((item) => item.type)).toEqual(['message']);
    expect(client.of('response.function_call_arguments.done')).toEqual([]);
    expect((await client.next('response.output_text.done')).text).toBe('We open at 7 pm.');
  });

  it("sends the tenant's rate limits after each response.done, as the quota admission left them", async () => {
    const { gateway } = env();
    const { key, tenantId } = await gateway.createTenantKey('bridged rate limits');
    const quotas = { requests_per_minute: 100, tokens_per_minute: 100_000 };
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, quotas)).status).toBe(200);
    const client = await connect(key);
    for (const nth of [0, 1]) {
      client.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Turn ${nth}` }] },
      });
      client.send({ type: 'response.create' });
      await client.next('rate_limits.updated', nth);
    }
    const types = client.events.map((event) => event.type);
    const doneAt = types.indexOf('response.done');
    expect(types[doneAt + 1]).toBe('rate_limits.updated');
    const [first, second] = client.of('rate_limits.updated');
    const requests = (event: typeof first) => event!.rate_limits.find((limit) => limit.name === 'requests')!;
    const tokens = (event: typeof first) => event!.rate_limits.find((limit) => limit.name === 'tokens')!;
    expect(requests(first)).toMatchObject({ limit: 100 });
    expect(requests(first).remaining).toBeLessThan(100);
    expect(requests(second).remaining).toBe(requests(first).remaining! - 1);
    expect(tokens(first).limit).toBe(100_000);
    expect(tokens(second).remaining).toBeLessThan(tokens(first).remaining!);
    expect(requests(first).reset_seconds).toBeGreaterThan(0);
    expect(requests(first).reset_seconds).toBeLessThanOrEqual(60);
  });
});
