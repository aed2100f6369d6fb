import { encodeG711 } from '@voxgate/audio';
import { SPEECH_TRANSCRIPT, speechPcm16, wavFromPcm16 } from '@voxgate/testing';
import WebSocket from 'ws';
import { ffmpegSeconds } from './support/decode';
import { useRelayEnv } from './support/e2e-env';
import { RealtimeTestClient } from './support/realtime-client';
import { ALIAS, relayConfig, SNAPSHOT } from './support/relay-config';
import { websocketHandshake } from './support/websocket-handshake';

const SPEECH_SECONDS = speechPcm16().length / 48_000;

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /v1/realtime (bridge onto chat completions)', () => {
  // The relay's audio chat models, plus a speech-only model a realtime session must refuse.
  const models = [
    ...(relayConfig('http://unused').models as unknown[]),
    { id: 'tts-1', provider: 'openai', endpoints: ['audio/speech'] },
  ];
  const env = useRelayEnv({}, { models });
  const open: RealtimeTestClient[] = [];
  const connect = async (key = env().key, model = ALIAS) => {
    const client = await RealtimeTestClient.open(env().gateway.url, key, model);
    open.push(client);
    return client;
  };
  afterEach(() => {
    for (const client of open.splice(0)) {
      client.assertAllValid();
      client.close();
    }
  });

  it('a manual turn: real speech in, the spoken answer out, decodable, as long as the upstream made it', async () => {
    const { upstream } = env();
    const client = await connect();
    const created = await client.next('session.created');
    expect(created.session).toMatchObject({
      type: 'realtime',
      model: ALIAS,
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } },
    });

    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null }, output: { voice: 'coral' } } },
    });
    const updated = await client.next('session.updated');
    expect(updated.session).toMatchObject({ audio: { input: { turn_detection: null }, output: { voice: 'coral' } } });

    const before = upstream.requests.length;
    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    const committed = await client.next('input_audio_buffer.committed');
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');

    expect(done.response.status).toBe('completed');
    expect(done.response.usage?.total_tokens).toBeGreaterThan(0);
    expect(done.response.usage?.input_token_details?.audio_tokens).toBeGreaterThan(0);
    const pcm = Buffer.concat(
      client.of('response.output_audio.delta').map((event) => Buffer.from(event.delta, 'base64')),
    );
    expect(pcm.equals(speechPcm16())).toBe(true); // the fake upstream answers with the fixture
    expect(ffmpegSeconds(wavFromPcm16(pcm), 'wav')).toBeCloseTo(SPEECH_SECONDS, 2);
    expect((await client.next('response.output_audio_transcript.done')).transcript).toBe(SPEECH_TRANSCRIPT);

    // One upstream call, through the gateway's pipeline, carrying the committed turn as WAV.
    expect(upstream.requests.length).toBe(before + 1);
    const body = upstream.lastRequest().body as {
      model: string;
      modalities: string[];
      audio: unknown;
      stream: boolean;
      messages: Array<{ role: string; content: unknown }>;
    };
    expect(body).toMatchObject({
      model: SNAPSHOT,
      modalities: ['text', 'audio'],
      audio: { voice: 'coral', format: 'pcm16' },
      stream: true,
    });
    const user = body.messages.at(-1) as {
      role: string;
      content: Array<{ type: string; input_audio?: { data: string; format: string } }>;
    };
    expect(user.role).toBe('user');
    const audioPart = user.content.find((part) => part.type === 'input_audio');
    expect(audioPart?.input_audio?.format).toBe('wav');
    expect(ffmpegSeconds(Buffer.from(audioPart!.input_audio!.data, 'base64'), 'wav')).toBeCloseTo(SPEECH_SECONDS, 2);

    const order = client.events.map((event) => event.type).filter((type) => !type.endsWith('.delta'));
    expect(order.slice(order.indexOf('response.created'))).toEqual([
      'response.created',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'conversation.item.done',
      'response.output_item.done',
      'response.done',
    ]);
    expect(committed.previous_item_id).toBeNull();
  });

  it('server VAD on speech between silences: speech_started/stopped, a commit and an answer', async () => {
    const client = await connect();
    await client.next('session.created');
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 400 } } },
      },
    });
    await client.next('session.updated');
    client.appendPcm16(Buffer.concat([Buffer.alloc(48 * 600), speechPcm16(), Buffer.alloc(48 * 1000)]));
    const started = await client.next('input_audio_buffer.speech_started');
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(Math.abs(started.audio_start_ms - (600 - 300))).toBeLessThanOrEqual(60);
    expect(Math.abs(stopped.audio_end_ms - (600 + 1670))).toBeLessThanOrEqual(100);
    expect((await client.next('input_audio_buffer.committed')).item_id).toBe(started.item_id);
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(client.of('response.output_audio.delta').length).toBeGreaterThan(0);
  });

  it('answers malformed events with error events naming their event_id, and the socket stays usable', async () => {
    const client = await connect();
    await client.next('session.created');
    client.sendRaw('{not json');
    client.sendRaw(JSON.stringify({ type: 'no.such.event', event_id: 'evt_bad_type' }));
    client.sendRaw(
      JSON.stringify({
        type: 'session.update',
        event_id: 'evt_bad_field',
        session: { type: 'realtime', temperature: 2 },
      }),
    );
    client.sendRaw(Buffer.from([1, 2, 3]) as unknown as string);
    await client.next('error', 3);
    expect(client.of('error').map((event) => [event.error.code, event.error.event_id ?? null])).toEqual([
      ['invalid_json', null],
      ['unknown_event', 'evt_bad_type'],
      ['invalid_value', 'evt_bad_field'],
      ['invalid_event', null],
    ]);
    client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } });
    expect((await client.next('session.updated')).session).toMatchObject({ instructions: 'Be brief.' });
    expect(client.closed).toBeNull();
  });

  it('response.cancel aborts the upstream call and ends with response.done cancelled', async () => {
    const { upstream } = env();
    const client = await connect();
    await client.next('session.created');
    upstream.enqueue({ kind: 'stall', afterChunks: 3 });
    client.send({ type: 'response.create', response: { instructions: 'Say something long.' } });
    await client.next('response.output_audio_transcript.delta');
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'client_cancelled' },
    });
    await upstream.waitForAbort(-1, 5_000);
    // The session goes on: a next response runs.
    client.send({ type: 'response.create' });
    expect((await client.next('response.done', 1)).response.status).toBe('completed');
  });

  it('refuses bad handshakes with OpenAI errors before upgrading', async () => {
    const { gateway, key } = env();
    const url = `${gateway.url}/v1/realtime?model=${ALIAS}`;
    const badKey = await websocketHandshake(url, { authorization: 'Bearer sk-wrong' });
    expect(badKey.status).toBe(401);
    expect(JSON.parse(badKey.body)).toMatchObject({
      error: { code: 'invalid_api_key', type: 'invalid_request_error' },
    });
    expect(badKey.headers['x-request-id']).toMatch(/^req_/);
    expect((await websocketHandshake(url, {})).status).toBe(401);
    const unknownModel = await websocketHandshake(`${gateway.url}/v1/realtime?model=gpt-nope`, {
      authorization: `Bearer ${key}`,
    });
    expect(unknownModel.status).toBe(404);
    expect(JSON.parse(unknownModel.body)).toMatchObject({ error: { code: 'model_not_found' } });
    const speechOnly = await websocketHandshake(`${gateway.url}/v1/realtime?model=tts-1`, {
      authorization: `Bearer ${key}`,
    });
    expect(speechOnly.status).toBe(400);
    expect(JSON.parse(speechOnly.body)).toMatchObject({ error: { code: 'model_not_supported', param: 'model' } });
    const noModel = await websocketHandshake(`${gateway.url}/v1/realtime`, { authorization: `Bearer ${key}` });
    expect(noModel.status).toBe(400);
    expect(JSON.parse(noModel.body)).toMatchObject({ error: { param: 'model' } });
    const plain = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ error: { code: 'upgrade_required' } });
    expect(gateway.output).not.toContain(key);
  });

  it('accepts the browser subprotocol key and echoes only `realtime`', async () => {
    const { gateway, key } = env();
    const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/v1/realtime?model=${ALIAS}`, [
      'realtime',
      `openai-insecure-api-key.${key}`,
    ]);
    const first = await new Promise<{ type: string }>((resolve, reject) => {
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as { type: string }));
      socket.once('error', reject);
    });
    expect(socket.protocol).toBe('realtime');
    expect(first.type).toBe('session.created');
    socket.close();
    expect(gateway.output).not.toContain(key);
  });

  it('holds one concurrent_streams lease per session and releases it on close', async () => {
    const { gateway } = env();
    const { key, tenantId } = await gateway.createTenantKey('one session');
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { concurrent_streams: 1 })).status).toBe(
      200,
    );
    const first = await connect(key);
    await first.next('session.created');
    const refused = await websocketHandshake(`${gateway.url}/v1/realtime?model=${ALIAS}`, {
      authorization: `Bearer ${key}`,
    });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    first.close();
    // The lease is released once the gateway saw the socket close: a session opened at once may be early.
    const deadline = Date.now() + 3_000;
    let again: Awaited<ReturnType<typeof connect>> | null = null;
    while (again === null) {
      again = await connect(key).catch((error: unknown) => {
        if (Date.now() > deadline) throw error;
        return null;
      });
      if (again === null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await again.next('session.created');
  });

  it('barge-in: speech during an answer cancels it, and truncate keeps only what was heard in the history', async () => {
    const { upstream } = env();
    const client = await connect();
    await client.next('session.created');
    // The first answer stalls after its transcript and 5 audio chunks (500 ms): it is still "playing".
    upstream.enqueue({ kind: 'stall', afterChunks: 10 });
    const silence = (ms: number) => Buffer.alloc(48 * ms);
    client.appendPcm16(Buffer.concat([silence(300), speechPcm16(), silence(700)]));
    await client.next('response.created');
    await client.next('response.output_audio.delta', 4);
    const first = upstream.requests.length - 1;

    // The user cuts in: the first 600 ms of a new utterance.
    const speech = speechPcm16();
    client.appendPcm16(speech.subarray(0, 48 * 600));
    await client.next('input_audio_buffer.speech_started', 1);
    const cancelled = await client.next('response.done');
    expect(cancelled.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'turn_detected' } });
    await upstream.waitForAbort(first, 5_000);
    const assistant = cancelled.response.output?.[0];
    const heard = client
      .of('response.output_audio.delta')
      .reduce((ms, event) => ms + Buffer.from(event.delta, 'base64').length / 48, 0);
    expect(heard).toBeGreaterThanOrEqual(400);

    client.send({ type: 'conversation.item.truncate', item_id: assistant!.id!, content_index: 0, audio_end_ms: 200 });
    const truncated = await client.next('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: assistant!.id, audio_end_ms: 200 });

    // The rest of the utterance ends the turn; the next call's history holds the truncated answer.
    client.appendPcm16(Buffer.concat([speech.subarray(48 * 600), silence(800)]));
    const done = await client.next('response.done', 1);
    expect(done.response.status).toBe('completed');
    const messages = (upstream.requests.at(-1)?.body as { messages: Array<{ role: string; content: unknown }> })
      .messages;
    const history = messages.find((message) => message.role === 'assistant');
    expect(typeof history?.content).toBe('string');
    expect((history?.content as string).length).toBeGreaterThan(0);
    expect(SPEECH_TRANSCRIPT.startsWith(history?.content as string)).toBe(true);
    expect((history?.content as string).length).toBeLessThan(SPEECH_TRANSCRIPT.length);
  });

  it('closes a socket that floods garbage with 1008 after error events, and one over the frame limit with 1009', async () => {
    const garbage = await connect();
    await garbage.next('session.created');
    for (let i = 0; i < 300; i++) garbage.sendRaw('{garbage');
    await waitFor(() => garbage.closed !== null);
    expect(garbage.closed?.code).toBe(1008);
    expect(garbage.of('error').length).toBeGreaterThanOrEqual(90);
    expect(garbage.of('error').length).toBeLessThanOrEqual(101);

    const flood = await connect();
    await flood.next('session.created');
    for (let i = 0; i < 2000; i++) flood.send({ type: 'input_audio_buffer.clear' });
    await waitFor(() => flood.closed !== null);
    expect(flood.closed?.code).toBe(1008);
    expect(flood.of('error').some((event) => event.error.code === 'rate_limit_exceeded')).toBe(true);

    const huge = await connect();
    await huge.next('session.created');
    huge.sendRaw(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'A'.repeat(22 * 1024 * 1024) }));
    await waitFor(() => huge.closed !== null);
    expect(huge.closed?.code).toBe(1009);

    // The gateway is fine: a new session works.
    const after = await connect();
    await after.next('session.created');
  });

  it('a client tool call: function_call item with argument events, and its output goes back as history', async () => {
    const { upstream } = env();
    const client = await connect();
    await client.next('session.created');
    const tool = {
      type: 'function' as const,
      name: 'get_weather',
      description: 'Weather of a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    };
    client.send({
      type: 'session.update',
      session: { type: 'realtime', tools: [tool], audio: { input: { turn_detection: null } } },
    });
    await client.next('session.updated');
    upstream.enqueue({
      kind: 'toolCalls',
      calls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_weather_1' }],
    });
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
    });
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    const args = await client.next('response.function_call_arguments.done');
    expect(args).toMatchObject({ name: 'get_weather', call_id: 'call_weather_1' });
    expect(JSON.parse(args.arguments)).toEqual({ city: 'Paris' });
    const call = done.response.output?.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      type: 'function_call',
      status: 'completed',
      name: 'get_weather',
      call_id: 'call_weather_1',
    });
    const sentTools = (upstream.lastRequest().body as { tools: unknown[] }).tools;
    expect(sentTools).toEqual([
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather of a city', parameters: tool.parameters },
      },
    ]);

    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_weather_1', output: '{"temp_c":21}' },
    });
    client.send({ type: 'response.create' });
    expect((await client.next('response.done', 1)).response.status).toBe('completed');
    const messages = (upstream.lastRequest().body as { messages: Array<Record<string, unknown>> }).messages;
    expect(messages.slice(-3)).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: args.arguments } },
        ],
      },
      { role: 'tool', content: '{"temp_c":21}', tool_call_id: 'call_weather_1' },
    ]);
  });

  it('meters each turn under the session key and tenant, with the usage response.done reported', async () => {
    const { gateway } = env();
    const { key, keyId, tenantId } = await gateway.createTenantKey('metered realtime');
    const client = await connect(key);
    await client.next('session.created');
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    client.send({ type: 'response.create' });
    const usage = (await client.next('response.done')).response.usage!;

    const billing = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, {
      name: 'billing',
      scope: 'billing',
    });
    const since = Math.floor(Date.now() / 1000) - 3600;
    const exported = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
      headers: { authorization: `Bearer ${(billing.body as { key: string }).key}` },
    });
    const events = (await exported.text())
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tenant_id: tenantId,
      key_id: keyId,
      model: SNAPSHOT,
      status: 'completed',
      stream: true,
      input_audio_tokens: usage.input_token_details?.audio_tokens,
      output_audio_tokens: usage.output_token_details?.audio_tokens,
    });
  });

  it('G.711 µ-law in and out (telephony): the answer decodes with ffmpeg to the length the upstream made', async () => {
    const { upstream } = env();
    const client = await connect();
    await client.next('session.created');
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: {
          input: { format: { type: 'audio/pcmu' }, turn_detection: null },
          output: { format: { type: 'audio/pcmu' } },
        },
      },
    });
    await client.next('session.updated');
    const speech = speechPcm16();
    const at8k = new Int16Array(speech.buffer, speech.byteOffset, speech.length / 2).filter(
      (_, index) => index % 3 === 0,
    );
    client.send({ type: 'input_audio_buffer.append', audio: Buffer.from(encodeG711(at8k, 'ulaw')).toString('base64') });
    client.send({ type: 'input_audio_buffer.commit' });
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(done.response.audio?.output?.format).toEqual({ type: 'audio/pcmu' });
    expect((upstream.lastRequest().body as { audio: { format: string } }).audio.format).toBe('pcm16');
    const ulaw = Buffer.concat(
      client.of('response.output_audio.delta').map((event) => Buffer.from(event.delta, 'base64')),
    );
    expect(ffmpegSeconds(ulaw, 'ulaw', ['-f', 'mulaw', '-ar', '8000'])).toBeCloseTo(SPEECH_SECONDS, 1);
    const sent = (
      upstream.lastRequest().body as { messages: Array<{ content: Array<{ input_audio?: { data: string } }> }> }
    ).messages.at(-1);
    const wav = Buffer.from(sent!.content[0]!.input_audio!.data, 'base64');
    expect(ffmpegSeconds(wav, 'wav')).toBeCloseTo(at8k.length / 8000, 2);
  });
});
