import { execFileSync } from 'node:child_process';
import { wordErrorRate } from '@voxgate/local-voice';
import { FakeUpstream, readSpeechClip, SPEECH_TRANSCRIPT, speechPcm16 } from '@voxgate/testing';
import { AUDIO_MODELS, TRANSCRIBE_MODEL } from './support/audio-models';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { describeWithEngines } from './support/local-engines';
import { RealtimeTestClient } from './support/realtime-client';
import { ALIAS, relayConfig, UPSTREAM_KEY } from './support/relay-config';

type UsageEventJson = {
  id: string;
  key_id: string;
  model: string;
  status: string;
  stream: boolean;
  input_audio_tokens: number;
  output_text_tokens: number;
  audio_in_ms: number;
  cost_micros: number;
  estimated: boolean;
};

const RT_SNAPSHOT = 'gpt-realtime-2025-08-28';
const RT_ALIAS = 'gpt-realtime';

/** The speech clip's duration: 1.78 s of pcm16 at 24 kHz. */
const SPEECH_SECONDS = speechPcm16().length / 48_000;

describe('realtime input audio transcription (bridged sessions)', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let key: string;
  let keyId: string;
  let tenantId: string;
  const open: RealtimeTestClient[] = [];

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const passthrough = { id: RT_SNAPSHOT, aliases: [RT_ALIAS], provider: 'openai', realtime: 'passthrough' };
    gateway = await GatewayProcess.start({
      config: { ...relayConfig(upstream.baseUrl), models: [...AUDIO_MODELS, passthrough] },
    });
    ({ key, keyId, tenantId } = await gateway.createTenantKey('realtime transcription'));
  });
  afterEach(() => {
    for (const client of open.splice(0)) {
      client.assertAllValid();
      client.close();
    }
    upstream.assertNoViolations();
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
  });

  const connect = async (withKey = key, model = ALIAS) => {
    const client = await RealtimeTestClient.open(gateway.url, withKey, model);
    open.push(client);
    await client.next('session.created');
    return client;
  };
  const transcribeWith = (client: RealtimeTestClient, transcription: unknown, turnDetection: unknown = null) =>
    client.sendRaw(
      JSON.stringify({
        type: 'session.update',
        session: { type: 'realtime', audio: { input: { transcription, turn_detection: turnDetection } } },
      }),
    );
  const usageEvents = async (forTenant: string): Promise<UsageEventJson[]> => {
    const created = await gateway.admin('POST', `/admin/tenants/${forTenant}/keys`, {
      name: 'billing',
      scope: 'billing',
    });
    const since = Math.floor(Date.now() / 1000) - 3600;
    const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
      headers: { authorization: `Bearer ${(created.body as { key: string }).key}` },
    });
    expect(response.status).toBe(200);
    return (await response.text())
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as UsageEventJson);
  };

  it('transcribes a committed turn beside its answer: deltas, completed with usage, the transcript on the item, metered', async () => {
    const client = await connect();
    transcribeWith(client, { model: TRANSCRIBE_MODEL, language: 'en' });
    const updated = await client.next('session.updated');
    expect(updated.session).toMatchObject({
      audio: { input: { transcription: { model: TRANSCRIBE_MODEL, language: 'en' } } },
    });

    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    const { item_id: itemId } = await client.next('input_audio_buffer.committed');
    client.send({ type: 'response.create' });
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');

    expect(completed).toMatchObject({ item_id: itemId, content_index: 0, transcript: SPEECH_TRANSCRIPT });
    // gpt-4o-transcribe streams: its deltas spell the transcript, and its usage is in tokens.
    const deltas = client.of('conversation.item.input_audio_transcription.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((delta) => delta.item_id === itemId && delta.content_index === 0)).toBe(true);
    expect(deltas.map((delta) => delta.delta).join('')).toBe(SPEECH_TRANSCRIPT);
    expect(completed.usage).toMatchObject({ type: 'tokens', input_tokens: Math.ceil(SPEECH_SECONDS * 10) });

    client.send({ type: 'conversation.item.retrieve', item_id: itemId });
    const retrieved = await client.next('conversation.item.retrieved');
    expect(retrieved.item).toMatchObject({
      id: itemId,
      role: 'user',
      content: [{ type: 'input_audio', transcript: SPEECH_TRANSCRIPT }],
    });

    // The transcription went through the transcription route's code path: a WAV of the turn, upstream.
    const sent = upstream.requests.filter((request) => request.path.endsWith('/audio/transcriptions'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.rawBody).toContain('filename="audio.wav"');
    expect(sent[0]!.rawBody).toMatch(/name="model"\r\n\r\ngpt-4o-transcribe\r\n/);
    expect(sent[0]!.rawBody).toMatch(/name="language"\r\n\r\nen\r\n/);

    // Metered under the session's key: one event for the turn, one for its transcription.
    let events: UsageEventJson[] = [];
    for (let i = 0; i < 50 && events.filter((e) => e.model === TRANSCRIBE_MODEL).length === 0; i++) {
      events = await usageEvents(tenantId);
    }
    const transcription = events.filter((event) => event.model === TRANSCRIBE_MODEL);
    expect(transcription).toHaveLength(1);
    expect(transcription[0]).toMatchObject({
      key_id: keyId,
      status: 'completed',
      stream: false,
      input_audio_tokens: Math.ceil(SPEECH_SECONDS * 10),
      output_text_tokens: SPEECH_TRANSCRIPT.split(' ').length,
      estimated: false,
    });
    expect(Math.abs(transcription[0]!.audio_in_ms - SPEECH_SECONDS * 1000)).toBeLessThan(5);
    // gpt-4o-transcribe: $6/M audio in, $10/M text out.
    expect(transcription[0]!.cost_micros).toBe(Math.round(Math.ceil(SPEECH_SECONDS * 10) * 6 + 4 * 10));
  });

  it('with server VAD and whisper-1: the turn committed by VAD is transcribed, with duration usage', async () => {
    const client = await connect();
    transcribeWith(client, { model: 'whisper-1' }, { type: 'server_vad', silence_duration_ms: 400 });
    await client.next('session.updated');
    client.appendPcm16(Buffer.concat([Buffer.alloc(48 * 600), speechPcm16(), Buffer.alloc(48 * 1000)]));
    const { item_id: itemId } = await client.next('input_audio_buffer.committed');
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    await client.next('response.done');
    expect(completed).toMatchObject({ item_id: itemId, content_index: 0, usage: { type: 'duration' } });
    // What VAD committed is the clip plus its padding: about 2.1 s, so the fake "hears" its own fallback.
    expect(completed.transcript.length).toBeGreaterThan(0);
    expect(client.of('conversation.item.input_audio_transcription.delta')).toHaveLength(0);
  });

  it('an unknown or non-transcription model is an error event, and the session stays up unchanged', async () => {
    const client = await connect();
    client.sendRaw(
      JSON.stringify({
        type: 'session.update',
        event_id: 'evt_unknown',
        session: { type: 'realtime', audio: { input: { transcription: { model: 'no-such-transcriber' } } } },
      }),
    );
    client.sendRaw(
      JSON.stringify({
        type: 'session.update',
        event_id: 'evt_tts',
        session: { type: 'realtime', audio: { input: { transcription: { model: 'tts-1' } } } },
      }),
    );
    const [unknown, tts] = [await client.next('error'), await client.next('error', 1)];
    expect(unknown.error).toMatchObject({
      code: 'model_not_found',
      param: 'session.audio.input.transcription.model',
      event_id: 'evt_unknown',
    });
    expect(tts.error).toMatchObject({ param: 'session.audio.input.transcription.model', event_id: 'evt_tts' });
    expect(client.of('session.updated')).toHaveLength(0);
    client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Still here.' } });
    expect((await client.next('session.updated')).session).toMatchObject({
      instructions: 'Still here.',
      audio: { input: { transcription: null } },
    });
    expect(client.closed).toBeNull();
  });

  it('a transcription the provider refuses is a failed event for that item; the session goes on', async () => {
    const client = await connect();
    transcribeWith(client, { model: TRANSCRIBE_MODEL });
    await client.next('session.updated');
    upstream.enqueue({
      kind: 'json',
      status: 400,
      body: {
        error: { message: 'Audio file is too short.', type: 'invalid_request_error', param: 'file', code: null },
      },
    });
    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    const { item_id: itemId } = await client.next('input_audio_buffer.committed');
    const failed = await client.next('conversation.item.input_audio_transcription.failed');
    expect(failed).toMatchObject({ item_id: itemId, content_index: 0, error: { type: 'transcription_error' } });
    expect(failed.error.message).not.toContain(UPSTREAM_KEY);
    client.send({ type: 'response.create' });
    expect((await client.next('response.done')).response.status).toBe('completed');
    expect(client.of('conversation.item.input_audio_transcription.completed')).toHaveLength(0);
  });

  it("counts toward the key's quotas: over its audio seconds, the transcription is refused (failed)", async () => {
    const limited = await gateway.createTenantKey('transcription quota');
    await gateway.admin('PUT', `/admin/tenants/${limited.tenantId}/quotas`, { audio_seconds_per_day: 1 });
    const client = await connect(limited.key);
    transcribeWith(client, { model: TRANSCRIBE_MODEL });
    await client.next('session.updated');
    const before = upstream.requests.length;
    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    const failed = await client.next('conversation.item.input_audio_transcription.failed');
    expect(failed.error).toMatchObject({ type: 'transcription_error', code: 'rate_limit_exceeded' });
    expect(upstream.requests.length).toBe(before);
  });

  it('pass-through: audio.input.transcription goes to the provider, and its transcription events come back', async () => {
    const client = await connect(key, RT_ALIAS);
    transcribeWith(client, { model: TRANSCRIBE_MODEL, prompt: 'A sentence from a book.' });
    expect((await client.next('session.updated')).session).toMatchObject({
      audio: { input: { transcription: { model: TRANSCRIBE_MODEL, prompt: 'A sentence from a book.' } } },
    });
    client.appendPcm16(speechPcm16());
    client.send({ type: 'input_audio_buffer.commit' });
    const { item_id: itemId } = await client.next('input_audio_buffer.committed');
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed).toMatchObject({ item_id: itemId, transcript: SPEECH_TRANSCRIPT, usage: { type: 'tokens' } });
    const sent = upstream.realtimeSessions.at(-1)!.events as Array<{ type: string; session?: unknown }>;
    expect(
      sent.find((event) => event.type === 'session.update' && JSON.stringify(event).includes('transcription')),
    ).toMatchObject({ session: { audio: { input: { transcription: { model: TRANSCRIBE_MODEL } } } } });

    // The provider bills transcriptions apart from responses: the gateway meters each one it relays.
    const audioTokens = completed.usage?.type === 'tokens' ? completed.usage.input_tokens : -1;
    let metered: UsageEventJson[] = [];
    for (let i = 0; i < 50 && metered.length === 0; i++) {
      metered = (await usageEvents(tenantId)).filter((event) => event.id.endsWith(`:${itemId}:transcription`));
    }
    expect(metered).toHaveLength(1);
    expect(metered[0]).toMatchObject({
      key_id: keyId,
      model: TRANSCRIBE_MODEL,
      status: 'completed',
      input_audio_tokens: audioTokens,
      output_text_tokens: SPEECH_TRANSCRIPT.split(' ').length,
    });
    // gpt-4o-transcribe: $6/M audio in, $10/M text out.
    expect(metered[0]!.cost_micros).toBe(audioTokens * 6 + SPEECH_TRANSCRIPT.split(' ').length * 10);
  });
});

const JFK =
  'And so, my fellow Americans: ask not what your country can do for you; ask what you can do for your country.';
/** pocketsphinx measured 0.22 on this clip over HTTP; the bar leaves room for a few more wrong words. */
const WER_BAR = 0.35;

describeWithEngines('realtime input audio transcription by the local engine (pocketsphinx, real speech)', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let key: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const relay = relayConfig(upstream.baseUrl);
    gateway = await GatewayProcess.start({
      config: {
        ...relay,
        providers: { ...(relay.providers as object), local: { type: 'local', poolSize: 1 } },
        models: [
          ...(relay.models as unknown[]),
          { id: 'local-transcribe', provider: 'local', endpoints: ['audio/transcriptions'] },
        ],
      },
    });
    ({ key } = await gateway.createTenantKey('realtime local transcription'));
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
  });

  it('transcribes a spoken turn under the WER bar, streaming its segments as deltas', async () => {
    // jfk.wav (16 kHz) as the session's pcm16 at 24 kHz, resampled by ffmpeg.
    const pcm = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', '24000', '-'],
      {
        input: readSpeechClip('jfk.wav'),
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const client = await RealtimeTestClient.open(gateway.url, key, ALIAS);
    try {
      await client.next('session.created');
      client.send({
        type: 'session.update',
        session: {
          type: 'realtime',
          audio: { input: { turn_detection: null, transcription: { model: 'local-transcribe', language: 'en' } } },
        },
      });
      await client.next('session.updated');
      client.appendPcm16(pcm);
      client.send({ type: 'input_audio_buffer.commit' });
      const { item_id: itemId } = await client.next('input_audio_buffer.committed');
      const completed = await client.next('conversation.item.input_audio_transcription.completed', 0, 90_000);
      expect(completed.item_id).toBe(itemId);
      expect(wordErrorRate([{ reference: JFK, hypothesis: completed.transcript }])).toBeLessThan(WER_BAR);
      const deltas = client.of('conversation.item.input_audio_transcription.delta');
      expect(deltas.length).toBeGreaterThan(0);
      expect(
        deltas
          .map((delta) => delta.delta)
          .join('')
          .trim(),
      ).toBe(completed.transcript);
      // The local engine reports no usage: the audio's duration stands in, as the spec's duration usage.
      expect(completed.usage).toEqual({ type: 'duration', seconds: expect.closeTo(11, 0) });
      client.assertAllValid();
    } finally {
      client.close();
    }
  }, 120_000);
});
