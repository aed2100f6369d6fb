import OpenAI from 'openai';
import { collectSseEvents, FAKE_SPEECH_SECONDS } from '@voxgate/testing';
import { TTS_MODEL, AUDIO_MODELS } from './support/audio-models';
import { OUTPUT_DECODING, ffmpegSeconds } from './support/decode';
import { useRelayEnv, validator } from './support/e2e-env';

type SpeechFormat = 'mp3' | 'opus' | 'aac' | 'flac' | 'wav' | 'pcm';
type SentSpeech = { model: string; response_format?: string; speed?: number; stream_format?: string };

/** ffmpeg's view of each speech format (`pcm` is the gateway's `pcm16`). */
const DECODING: Record<string, { extension: string; inputArgs: string[] }> = {
  ...OUTPUT_DECODING,
  pcm: OUTPUT_DECODING.pcm16!,
};
const CONTENT_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
  g711_ulaw: 'audio/PCMU',
  g711_alaw: 'audio/PCMA',
};

const speak = (client: OpenAI, format: string, extra: Record<string, unknown> = {}) =>
  client.audio.speech.create({
    model: TTS_MODEL,
    input: 'Has never been surpassed.',
    voice: 'alloy',
    response_format: format as SpeechFormat,
    ...extra,
  });

const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('POST /v1/audio/speech relayed to a provider that makes every format', () => {
  const env = useRelayEnv({}, { models: AUDIO_MODELS });

  it.each(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'])(
    'passes %s through from the provider, decodable by ffmpeg',
    async (format) => {
      const { client, upstream } = env();
      const response = await speak(client, format);
      expect(response.headers.get('content-type')).toBe(CONTENT_TYPES[format]);
      expect(response.headers.get('x-voxgate-model')).toBe('gpt-4o-mini-tts-2025-12-15');
      const { extension, inputArgs } = DECODING[format]!;
      expect(ffmpegSeconds(await bytesOf(response), extension, inputArgs)).toBeCloseTo(FAKE_SPEECH_SECONDS, 0);
      expect((upstream.lastRequest().body as SentSpeech).response_format).toBe(format);
    },
  );

  it.each(['g711_ulaw', 'g711_alaw'])('makes %s from the provider’s pcm', async (format) => {
    const { client, upstream } = env();
    const response = await speak(client, format);
    expect(response.headers.get('content-type')).toBe(CONTENT_TYPES[format]);
    const { extension, inputArgs } = DECODING[format]!;
    const seconds = ffmpegSeconds(await bytesOf(response), extension, inputArgs);
    expect(Math.abs(seconds - FAKE_SPEECH_SECONDS)).toBeLessThan(0.01 * FAKE_SPEECH_SECONDS);
    expect((upstream.lastRequest().body as SentSpeech).response_format).toBe('pcm');
  });

  it('defaults to mp3', async () => {
    const { client, upstream } = env();
    const response = await client.audio.speech.create({ model: TTS_MODEL, input: 'Hello.', voice: 'alloy' });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(ffmpegSeconds(await bytesOf(response), 'mp3')).toBeGreaterThan(1);
    expect((upstream.lastRequest().body as SentSpeech).response_format).toBe('mp3');
  });

  it('lets the provider apply speed, within 1 % of the asked duration', async () => {
    const { client, upstream } = env();
    const response = await speak(client, 'wav', { speed: 2 });
    const seconds = ffmpegSeconds(await bytesOf(response), 'wav');
    expect(Math.abs(seconds - FAKE_SPEECH_SECONDS / 2)).toBeLessThan(0.01 * (FAKE_SPEECH_SECONDS / 2));
    expect((upstream.lastRequest().body as SentSpeech).speed).toBe(2);
    expect(response.headers.get('x-voxgate-audio-speed')).toBe('2');
  });

  it('streams speech.audio.delta events and a speech.audio.done with usage, valid against the spec', async () => {
    const { client, upstream } = env();
    const response = await speak(client, 'mp3', { stream_format: 'sse' });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await collectSseEvents(response)).map((event) => JSON.parse(event.data) as { type: string });
    const deltas = events.slice(0, -1) as { type: string; audio: string }[];
    const done = events.at(-1) as { type: string; usage: { input_tokens: number; output_tokens: number } };
    expect(deltas.length).toBeGreaterThan(1);
    for (const delta of deltas) validator.assertValid('SpeechAudioDeltaEvent', delta, { rejectUndeclaredKeys: true });
    validator.assertValid('SpeechAudioDoneEvent', done, { rejectUndeclaredKeys: true });
    expect(done.usage.output_tokens).toBeGreaterThan(0);
    const audio = Buffer.concat(deltas.map((delta) => Buffer.from(delta.audio, 'base64')));
    expect(ffmpegSeconds(audio, 'mp3')).toBeCloseTo(FAKE_SPEECH_SECONDS, 0);
    expect((upstream.lastRequest().body as SentSpeech).stream_format).toBe('sse');
  });

  it('asks tts-1 for raw audio (it refuses sse) and still streams sse to the client', async () => {
    const { client, upstream } = env();
    const response = await client.audio.speech.create({
      model: 'tts-1',
      input: 'Hello.',
      voice: 'alloy',
      response_format: 'wav',
      stream_format: 'sse',
    });
    const events = (await collectSseEvents(response)).map((event) => JSON.parse(event.data) as { type: string });
    expect(events.at(-1)!.type).toBe('speech.audio.done');
    validator.assertValid('SpeechAudioDoneEvent', events.at(-1), { rejectUndeclaredKeys: true });
    expect((upstream.lastRequest().body as SentSpeech).stream_format).toBeUndefined();
  });

  it.each([
    ['an empty input', { input: '   ' }, 'input'],
    ['an input over 4096 characters', { input: 'a'.repeat(4097) }, 'input'],
    ['an unknown format', { response_format: 'ogg' }, 'response_format'],
    ['a speed above 4', { speed: 5 }, 'speed'],
    ['a missing voice', { voice: undefined }, 'voice'],
    ['an unknown field', { pitch: 2 }, 'pitch'],
  ])('refuses %s with a 400 naming the field, without calling the provider', async (_name, override, param) => {
    const { client, upstream } = env();
    const before = upstream.requests.length;
    const error = await client.audio.speech
      .create({ model: TTS_MODEL, input: 'Hello.', voice: 'alloy', ...override } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses a chat model on the speech route, and a TTS model on chat completions, with a clear 400', async () => {
    const { client, upstream } = env();
    const before = upstream.requests.length;
    const onSpeech = await speak(client, 'mp3', { model: 'gpt-4o-audio-preview' }).catch((e: unknown) => e);
    expect(onSpeech).toBeInstanceOf(OpenAI.BadRequestError);
    expect((onSpeech as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('model_not_supported');
    const onChat = await client.chat.completions
      .create({ model: TTS_MODEL, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(onChat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((onChat as Error).message).toMatch(/gpt-4o-mini-tts.*POST \/v1\/audio\/speech/);
    const unknown = await speak(client, 'mp3', { model: 'tts-9' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(upstream.requests.length).toBe(before);
  });

  it('ends an sse stream that fails mid-way with an in-band error, and cuts a binary one', async () => {
    const { client, upstream } = env();
    const error = { message: 'The engine failed.', type: 'server_error', param: null, code: null };
    upstream.enqueue({ kind: 'streamError', afterChunks: 2, error });
    const events = (await collectSseEvents(await speak(client, 'mp3', { stream_format: 'sse' }))).map(
      (event) => JSON.parse(event.data) as { type?: string; error?: unknown },
    );
    expect(events.slice(0, 2).map((event) => event.type)).toEqual(['speech.audio.delta', 'speech.audio.delta']);
    expect(events.at(-1)).toEqual({ error });
    expect(events).toHaveLength(3);

    upstream.enqueue({ kind: 'reset', afterChunks: 2 });
    const response = await speak(client, 'wav');
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('relays a provider’s 400 as is and its 500 as a 502 without its key', async () => {
    const { client, upstream } = env();
    upstream.enqueue({
      kind: 'json',
      status: 400,
      body: { error: { message: 'Voice not found.', type: 'invalid_request_error', param: 'voice', code: null } },
    });
    const bad = await speak(client, 'mp3').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as Error).message).toMatch(/Voice not found/);
    upstream.enqueue({ kind: 'echo', status: 500 }, { kind: 'echo', status: 500 });
    const failed = await speak(client, 'mp3').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(JSON.stringify(failed)).not.toMatch(/SECRET/);
  });
});

describe('POST /v1/audio/speech from a provider that only makes pcm, without speed', () => {
  const env = useRelayEnv({ speechFormats: ['pcm'], speechSpeed: false }, { models: AUDIO_MODELS });

  it.each(['mp3', 'opus', 'aac', 'flac', 'wav'])('encodes %s from the provider’s pcm', async (format) => {
    const { client, upstream } = env();
    const response = await speak(client, format);
    const { extension, inputArgs } = DECODING[format]!;
    expect(ffmpegSeconds(await bytesOf(response), extension, inputArgs)).toBeCloseTo(FAKE_SPEECH_SECONDS, 0);
    expect((upstream.lastRequest().body as SentSpeech).response_format).toBe('pcm');
  });

  it.each([0.5, 1.5, 3])('time-stretches to speed %s itself, within 1 % of the asked duration', async (speed) => {
    const { client, upstream } = env();
    const response = await speak(client, 'wav', { speed });
    const seconds = ffmpegSeconds(await bytesOf(response), 'wav');
    const expected = FAKE_SPEECH_SECONDS / speed;
    expect(Math.abs(seconds - expected)).toBeLessThan(0.01 * expected);
    expect((upstream.lastRequest().body as SentSpeech).speed).toBeUndefined();
  });

  it('streams converted audio as sse, its deltas one valid file', async () => {
    const { client } = env();
    const response = await speak(client, 'opus', { stream_format: 'sse', speed: 1.25 });
    const events = (await collectSseEvents(response)).map((event) => JSON.parse(event.data) as { audio?: string });
    const audio = Buffer.concat(events.flatMap((event) => (event.audio ? [Buffer.from(event.audio, 'base64')] : [])));
    const seconds = ffmpegSeconds(audio, 'opus');
    expect(Math.abs(seconds - FAKE_SPEECH_SECONDS / 1.25)).toBeLessThan(0.05);
  });
});
