import OpenAI, { toFile } from 'openai';
import { DelayingProxy, FakeUpstream, readSpeechClip } from '@voxgate/testing';
import { AUDIO_MODELS, TRANSCRIBE_MODEL, TTS_MODEL } from './support/audio-models';
import { validator } from './support/e2e-env';
import { GatewayProcess, REDIS_URL } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';

/** How late the far replica's commands reach Redis: far longer than a client's next request takes. */
const FAR_MS = 200;

/**
 * A client whose stream ended starts its next one at once, through another replica (a load balancer
 * picks any). With `concurrent_streams: 1` that next stream must find the slot free: the replica that
 * served the first must have freed it in Redis before the client could see the end. Here that replica
 * reaches Redis through a proxy that holds its commands for `FAR_MS` (a replica preempted, or far from
 * Redis), so a release written behind the response, even one event-loop turn late, loses the race every
 * time. Single Redis only: a Redis Cluster hands clients its nodes' own addresses, bypassing a proxy.
 */
describe('a stream slot is free on every replica once the client saw the stream end', () => {
  let upstream: FakeUpstream;
  let proxy: DelayingProxy;
  let far: GatewayProcess;
  let near: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    const redis = new URL(REDIS_URL);
    proxy = await DelayingProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) }, FAR_MS);
    const config = { ...relayConfig(upstream.baseUrl), models: AUDIO_MODELS };
    far = await GatewayProcess.start({ config, env: { REDIS_URL: proxy.url } });
    near = await GatewayProcess.start({ config, redisPrefix: far.redisPrefix, adminKey: far.adminKey });
  });
  afterEach(() => upstream.assertNoViolations());
  afterAll(async () => {
    await near?.stop({ flushRedis: false });
    await far?.stop({ flushRedis: true });
    await proxy?.stop();
    await upstream?.stop();
  });

  /** A key of a new tenant allowed one stream at a time, and a client of each replica. */
  async function oneStreamAtATime(name: string): Promise<{ farClient: OpenAI; nearClient: OpenAI }> {
    const { key, tenantId } = await near.createTenantKey(name);
    const put = await near.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { concurrent_streams: 1 });
    expect(put.status).toBe(200);
    return { farClient: openaiClient(far.url, key), nearClient: openaiClient(near.url, key) };
  }

  const chatStream = async (client: OpenAI): Promise<number> => {
    const stream = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let chunks = 0;
    for await (const _chunk of stream) chunks++;
    return chunks;
  };

  it('chat completions: the next stream, on another replica, is admitted', async () => {
    const { farClient, nearClient } = await oneStreamAtATime('chat');
    for (let round = 0; round < 3; round++) {
      expect(await chatStream(farClient)).toBeGreaterThan(1);
      expect(await chatStream(nearClient)).toBeGreaterThan(1);
    }
  });

  it('chat completions ending in an upstream error: the retry, on another replica, is admitted', async () => {
    const { farClient, nearClient } = await oneStreamAtATime('chat-error');
    upstream.enqueue({
      kind: 'streamError',
      afterChunks: 2,
      error: { message: 'The server had an error.', type: 'server_error', param: null, code: null },
    });
    await expect(chatStream(farClient)).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(await chatStream(nearClient)).toBeGreaterThan(1);
  });

  it('chat completions refused by the provider before the first byte: the retry, on another replica, is admitted', async () => {
    const { farClient, nearClient } = await oneStreamAtATime('chat-refused');
    upstream.enqueue({
      kind: 'json',
      status: 400,
      body: { error: { message: 'Bad input.', type: 'invalid_request_error', param: null, code: null } },
    });
    await expect(chatStream(farClient)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(await chatStream(nearClient)).toBeGreaterThan(1);
  });

  it('speech as events: the next stream, on another replica, is admitted', async () => {
    const { farClient, nearClient } = await oneStreamAtATime('speech');
    const speak = async (client: OpenAI): Promise<string[]> => {
      const response = await client.audio.speech.create({
        model: TTS_MODEL,
        input: 'Has never been surpassed.',
        voice: 'alloy',
        stream_format: 'sse',
      });
      const text = await response.text();
      return [...text.matchAll(/"type":"([a-z._]+)"/g)].map((match) => match[1]!);
    };
    expect(await speak(farClient)).toContain('speech.audio.done');
    expect(await speak(nearClient)).toContain('speech.audio.done');
    // Refused by the provider before its first byte: the retry, on another replica, is admitted.
    upstream.enqueue({
      kind: 'json',
      status: 400,
      body: { error: { message: 'Bad input.', type: 'invalid_request_error', param: null, code: null } },
    });
    await expect(speak(farClient)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(await speak(nearClient)).toContain('speech.audio.done');
  });

  it('transcription as events: the next stream, on another replica, is admitted', async () => {
    const { farClient, nearClient } = await oneStreamAtATime('transcription');
    const transcribe = async (client: OpenAI): Promise<string> => {
      const stream = await client.audio.transcriptions.create({
        file: await toFile(readSpeechClip('jfk.wav'), 'jfk.wav'),
        model: TRANSCRIBE_MODEL,
        stream: true,
      });
      let text = '';
      for await (const event of stream) if (event.type === 'transcript.text.done') text = event.text;
      return text;
    };
    expect(await transcribe(farClient)).toMatch(/ask not what your country can do for you/);
    expect(await transcribe(nearClient)).toMatch(/ask not what your country can do for you/);
  });
});
