import { randomBytes } from 'node:crypto';
import { SPEECH_TRANSCRIPT, speechPcm16 } from '@voxgate/testing';
import { ffmpegSeconds } from './support/decode';
import { useRelayEnv } from './support/e2e-env';
import { RealtimeTestClient } from './support/realtime-client';
import { ALIAS } from './support/relay-config';
import { websocketHandshake } from './support/websocket-handshake';

/** What one realtime turn sent upstream: chat-completions messages. */
type SentMessage = { role: string; content: unknown };
type SentPart = { type: string; text?: string; input_audio?: { data: string; format: string } };

const SPEECH_SECONDS = speechPcm16().length / 48_000;
/** `server.bodyLimitBytes`' default: what a turn injected as an HTTP request could not exceed. */
const BODY_LIMIT = 25 * 1024 * 1024;

function audioParts(messages: SentMessage[]): SentPart[] {
  return messages.flatMap((message) =>
    message.role === 'user' && Array.isArray(message.content)
      ? (message.content as SentPart[]).filter((part) => part.type === 'input_audio')
      : [],
  );
}

describe('GET /v1/realtime: turns on the completion pipeline, history in the session store', () => {
  const env = useRelayEnv();
  const open: RealtimeTestClient[] = [];
  const connect = async (key = env().key, headers: Record<string, string> = {}) => {
    const client = await RealtimeTestClient.open(env().gateway.url, key, ALIAS, headers);
    open.push(client);
    await client.next('session.created');
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    await client.next('session.updated');
    return client;
  };
  afterEach(() => {
    for (const client of open.splice(0)) {
      client.assertAllValid();
      client.close();
    }
  });

  it('a tenant with concurrent_streams: 1 holds a session and has its turns answered (the session lease covers them)', async () => {
    const { gateway, upstream } = env();
    const { key, tenantId } = await gateway.createTenantKey('one stream');
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { concurrent_streams: 1 })).status).toBe(
      200,
    );
    const client = await connect(key);
    for (let turn = 0; turn < 2; turn++) {
      const before = upstream.requests.length;
      client.appendPcm16(speechPcm16());
      client.send({ type: 'input_audio_buffer.commit' });
      client.send({ type: 'response.create' });
      const done = await client.next('response.done', turn);
      expect(done.response.status).toBe('completed');
      expect(upstream.requests.length).toBe(before + 1);
    }
    expect(client.of('error')).toEqual([]);
    // The session's own lease is still the one stream the tenant has.
    const refused = await websocketHandshake(`${gateway.url}/v1/realtime?model=${ALIAS}`, {
      authorization: `Bearer ${key}`,
    });
    expect(refused.status).toBe(429);
  });

  it('a reconnect with the same X-Session-Id resumes the conversation: the earlier turn is in the model’s request', async () => {
    const { upstream, key } = env();
    const sessionId = `rt-${randomBytes(6).toString('hex')}`;
    const first = await connect(key, { 'x-session-id': sessionId });
    first.appendPcm16(speechPcm16());
    first.send({ type: 'input_audio_buffer.commit' });
    first.send({ type: 'response.create' });
    expect((await first.next('response.done')).response.status).toBe('completed');
    first.close();

    const second = await connect(key, { 'x-session-id': sessionId });
    second.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'And then?' }] },
    });
    second.send({ type: 'response.create' });
    expect((await second.next('response.done')).response.status).toBe('completed');

    const messages = (upstream.lastRequest().body as { messages: SentMessage[] }).messages;
    const conversation = messages.filter((message) => message.role !== 'system');
    expect(conversation.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    const [earlier] = audioParts(conversation);
    expect(earlier?.input_audio?.format).toBe('wav');
    expect(ffmpegSeconds(Buffer.from(earlier!.input_audio!.data, 'base64'), 'wav')).toBeCloseTo(SPEECH_SECONDS, 2);
    expect(conversation[1]?.content).toBe(SPEECH_TRANSCRIPT);
    expect(conversation[2]?.content).toEqual([{ type: 'text', text: 'And then?' }]);

    // The same conversation is the HTTP session of that id: both turns stored.
    const stored = await fetch(`${env().gateway.url}/v1/sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(stored.status).toBe(200);
    const view = (await stored.json()) as { turns?: unknown[] };
    expect(view.turns).toHaveLength(2);

    // Without the id, a new socket starts afresh.
    const fresh = await connect(key);
    fresh.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello?' }] },
    });
    fresh.send({ type: 'response.create' });
    await fresh.next('response.done');
    const alone = (upstream.lastRequest().body as { messages: SentMessage[] }).messages;
    expect(alone.filter((message) => message.role !== 'system')).toHaveLength(1);
  });

  it('an answer truncated after it was stored is resumed as what the user heard, not as the whole answer', async () => {
    const { upstream, key } = env();
    const sessionId = `rt-${randomBytes(6).toString('hex')}`;
    const first = await connect(key, { 'x-session-id': sessionId });
    first.appendPcm16(speechPcm16());
    first.send({ type: 'input_audio_buffer.commit' });
    first.send({ type: 'response.create' });
    const done = await first.next('response.done');
    expect(done.response.status).toBe('completed');
    const answerId = done.response.output?.[0]?.id ?? '';
    // The client played 300 ms of the answer before the user cut in.
    first.send({ type: 'conversation.item.truncate', item_id: answerId, content_index: 0, audio_end_ms: 300 });
    await first.next('conversation.item.truncated');
    first.send({ type: 'conversation.item.retrieve', item_id: answerId });
    const { item } = await first.next('conversation.item.retrieved');
    const part = item.type === 'message' ? item.content?.[0] : undefined;
    const heard = part && 'transcript' in part ? part.transcript : undefined;
    expect(typeof heard).toBe('string');
    expect(heard).not.toBe(SPEECH_TRANSCRIPT);
    expect(SPEECH_TRANSCRIPT.startsWith(heard ?? '?')).toBe(true);
    first.close();

    const second = await connect(key, { 'x-session-id': sessionId });
    second.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Sorry, go on?' }] },
    });
    second.send({ type: 'response.create' });
    expect((await second.next('response.done')).response.status).toBe('completed');
    const messages = (upstream.lastRequest().body as { messages: SentMessage[] }).messages;
    const answer = messages.filter((message) => message.role === 'assistant');
    expect(answer.map((message) => message.content)).toEqual([heard]);
  });

  it('refuses a malformed session_id before upgrading', async () => {
    const { gateway, key } = env();
    const refused = await websocketHandshake(
      `${gateway.url}/v1/realtime?model=${ALIAS}&session_id=${encodeURIComponent('no spaces')}`,
      {
        authorization: `Bearer ${key}`,
      },
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('a long conversation stays under the body limit: older user turns go as text, the newest as audio', async () => {
    const { upstream } = env();
    const client = await connect();
    const turns = 7;
    const minute = Buffer.alloc(48_000 * 60);
    const before = upstream.requests.length;
    for (let turn = 0; turn < turns; turn++) {
      client.appendPcm16(minute, 5_000);
      client.send({ type: 'input_audio_buffer.commit' });
      client.send({ type: 'response.create' });
      expect((await client.next('response.done', turn, 60_000)).response.status).toBe('completed');
    }
    const sent = upstream.requests.slice(before);
    expect(sent).toHaveLength(turns);
    // Every user minute as base64 WAV would exceed the body limit by the last turn…
    expect(turns * Math.ceil(((44 + minute.length) * 4) / 3)).toBeGreaterThan(BODY_LIMIT);
    // …but no turn's request comes near it.
    for (const recorded of sent) expect(JSON.stringify(recorded.body).length).toBeLessThan(12 * 1024 * 1024);
    const last = (sent.at(-1)!.body as { messages: SentMessage[] }).messages;
    const users = last.filter((message) => message.role === 'user');
    expect(users).toHaveLength(turns);
    expect(audioParts(last)).toHaveLength(2);
    expect(
      users.slice(0, turns - 2).every((message) => JSON.stringify(message.content).includes('earlier voice')),
    ).toBe(true);
  }, 180_000);
});
