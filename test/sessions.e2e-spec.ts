import { openTestRedis, readSpeechClip, scanKeys, SPEECH_TRANSCRIPT } from '@voxgate/testing';
import { useRelayEnv } from './support/e2e-env';
import { ALIAS, SNAPSHOT } from './support/relay-config';

const jfk = readSpeechClip('jfk.wav').toString('base64');
type Sent = { messages: { role: string; content?: unknown; audio?: { id: string } }[] };

describe('sessions (X-Session-Id)', () => {
  const env = useRelayEnv();
  const audioRequest = {
    model: ALIAS,
    modalities: ['text', 'audio'] as ('text' | 'audio')[],
    audio: { voice: 'alloy' as const, format: 'wav' as const },
  };

  it('keeps a multi-turn audio conversation: the client sends only its new turn', async () => {
    const { client, upstream } = env();
    const session = { headers: { 'x-session-id': 'call-1001' } };
    const first = await client.chat.completions.create(
      {
        ...audioRequest,
        messages: [
          { role: 'system', content: 'You are a concierge.' },
          { role: 'user', content: [{ type: 'input_audio', input_audio: { data: jfk, format: 'wav' } }] },
        ],
      },
      session,
    );
    expect(first.choices[0]?.message.audio?.id).toMatch(/^audio_vg_/);

    await client.chat.completions.create(
      {
        ...audioRequest,
        messages: [
          { role: 'system', content: 'You are a concierge.' },
          { role: 'user', content: 'And then?' },
        ],
      },
      session,
    );
    const sent = upstream.lastRequest().body as Sent;
    expect(sent.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent.messages.filter((message) => message.role === 'system')).toHaveLength(1);
    // The stored input audio went upstream again, and the assistant turn as the provider's own audio id.
    expect(JSON.stringify(sent.messages[1]?.content)).toContain(jfk.slice(0, 100));
    const firstUpstreamAudioId = (upstream.requests.at(-2)!.body as Sent) && sent.messages[2]?.audio?.id;
    expect(firstUpstreamAudioId).toMatch(/^audio_/);
    expect(firstUpstreamAudioId).not.toMatch(/^audio_vg_/);

    // Streaming turns are stored too.
    const stream = await client.chat.completions.create(
      {
        ...audioRequest,
        audio: { voice: 'alloy', format: 'pcm16' },
        messages: [{ role: 'user', content: 'Once more' }],
        stream: true,
      },
      session,
    );
    for await (const _chunk of stream) void _chunk;
    await client.chat.completions.create(
      { model: SNAPSHOT, messages: [{ role: 'user', content: 'Summarise' }] },
      session,
    );
    const roles = (upstream.lastRequest().body as Sent).messages.map((message) => message.role);
    expect(roles).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
  });

  it('returns the history with audio as references, erases it, and isolates tenants', async () => {
    const { client, gateway, key } = env();
    const headers = { 'x-session-id': 'call-2002' };
    await client.chat.completions.create(
      {
        ...audioRequest,
        messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: jfk, format: 'wav' } }] }],
      },
      { headers },
    );

    const read = await fetch(`${gateway.url}/v1/sessions/call-2002`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(200);
    const body = (await read.json()) as {
      object: string;
      turns: { messages: { role: string; content?: unknown; audio?: { id: string }; transcript?: string }[] }[];
    };
    expect(body.object).toBe('session');
    expect(body.turns).toHaveLength(1);
    const [user, assistant] = body.turns[0]!.messages;
    expect(JSON.stringify(user)).toContain('input_audio_ref');
    expect(JSON.stringify(user)).not.toContain(jfk.slice(0, 100));
    expect(assistant).toMatchObject({
      role: 'assistant',
      audio: { id: expect.stringMatching(/^audio_vg_/) },
      transcript: SPEECH_TRANSCRIPT,
    });

    const withAudio = await fetch(`${gateway.url}/v1/sessions/call-2002?include_audio=true`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await withAudio.text()).toContain(jfk.slice(0, 100));

    const stranger = await gateway.createTenantKey('stranger');
    expect(
      (await fetch(`${gateway.url}/v1/sessions/call-2002`, { headers: { authorization: `Bearer ${stranger.key}` } }))
        .status,
    ).toBe(404);
    expect(
      (
        await fetch(`${gateway.url}/v1/sessions/call-2002`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${stranger.key}` },
        })
      ).status,
    ).toBe(404);

    const erased = await fetch(`${gateway.url}/v1/sessions/call-2002`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await erased.json()).toEqual({ object: 'session.deleted', id: 'call-2002', deleted: true });
    expect(
      (await fetch(`${gateway.url}/v1/sessions/call-2002`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(404);
    const redis = openTestRedis();
    try {
      const left = await scanKeys(redis, `${gateway.redisPrefix}*call-2002*`);
      expect(left).toEqual([]);
      const owned = [...JSON.stringify(body).matchAll(/(ain_[0-9a-f]+|audio_vg_[0-9a-f]+)/g)].map((match) => match[1]!);
      expect(owned.length).toBeGreaterThanOrEqual(2);
      for (const id of owned) expect(await scanKeys(redis, `${gateway.redisPrefix}audio:*${id}`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('resolves a reused Voxgate audio id to the provider id without a session, and rejects unknown ones', async () => {
    const { client, upstream } = env();
    const first = await client.chat.completions.create({
      ...audioRequest,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const audioId = first.choices[0]!.message.audio!.id;
    await client.chat.completions.create({
      ...audioRequest,
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', audio: { id: audioId } },
        { role: 'user', content: 'Why?' },
      ],
    });
    const forwarded = (upstream.lastRequest().body as Sent).messages[1]?.audio?.id;
    expect(forwarded).toMatch(/^audio_/);
    expect(forwarded).not.toBe(audioId);

    const error = await client.chat.completions
      .create({
        ...audioRequest,
        messages: [
          { role: 'assistant', audio: { id: 'audio_vg_000000000000000000000000' } },
          { role: 'user', content: 'x' },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'messages[0].audio.id' });
  });

  it('sends the transcript instead once the provider audio id has expired', async () => {
    const { client, upstream } = env();
    const expired = Math.floor(Date.now() / 1000) - 60;
    upstream.enqueue({
      kind: 'completion',
      message: {
        audio: {
          id: 'audio_expired_upstream',
          expires_at: expired,
          data: Buffer.alloc(4800).toString('base64'),
          transcript: 'It was the best of times.',
        },
      },
    });
    const first = await client.chat.completions.create({
      ...audioRequest,
      messages: [{ role: 'user', content: 'Tell me' }],
    });
    const audio = first.choices[0]!.message.audio!;
    expect(audio.id).toMatch(/^audio_vg_/);
    expect(audio.expires_at).toBeGreaterThan(Date.now() / 1000 + 3600);
    await client.chat.completions.create({
      ...audioRequest,
      messages: [
        { role: 'assistant', audio: { id: audio.id } },
        { role: 'user', content: 'Go on' },
      ],
    });
    const forwarded = (upstream.lastRequest().body as Sent).messages[0];
    expect(forwarded).toEqual({ role: 'assistant', content: 'It was the best of times.' });
  });

  it('keeps both turns when a client races itself on one session', async () => {
    const { client, gateway, key } = env();
    const headers = { 'x-session-id': 'race-1' };
    await Promise.all(
      ['first', 'second', 'third'].map((text) =>
        client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: text }] }, { headers }),
      ),
    );
    const body = (await (
      await fetch(`${gateway.url}/v1/sessions/race-1`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as {
      turns: { seq: number; messages: { role: string; content: unknown }[] }[];
    };
    expect(body.turns.map((turn) => turn.seq)).toEqual([1, 2, 3]);
    expect(body.turns.map((turn) => turn.messages[0]?.content).sort()).toEqual(['first', 'second', 'third']);
  });

  it('stores a retried request (same Idempotency-Key) once', async () => {
    const { client, gateway, key } = env();
    const send = (idempotencyKey: string, text: string) =>
      client.chat.completions.create(
        { model: SNAPSHOT, messages: [{ role: 'user', content: text }] },
        { headers: { 'x-session-id': 'retry-1', 'idempotency-key': idempotencyKey } },
      );
    await send('turn-a', 'book a table');
    await send('turn-a', 'book a table');
    await send('turn-b', 'for two');
    const body = (await (
      await fetch(`${gateway.url}/v1/sessions/retry-1`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { turns: { messages: { content: unknown }[] }[] };
    expect(body.turns.map((turn) => turn.messages[0]?.content)).toEqual(['book a table', 'for two']);
  });

  it('rejects a malformed session id', async () => {
    const { client } = env();
    const error = await client.chat.completions
      .create(
        { model: SNAPSHOT, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-session-id': 'has spaces/and slashes' } },
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: 'X-Session-Id' });
  });
});
