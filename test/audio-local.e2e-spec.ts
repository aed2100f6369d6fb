import { execFileSync } from 'node:child_process';
import OpenAI, { toFile } from 'openai';
import { wordErrorRate } from '@voxgate/local-voice';
import { collectSseEvents, FakeUpstream, readSpeechClip } from '@voxgate/testing';
import { ffmpegSeconds, OUTPUT_DECODING } from './support/decode';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { describeWithEngines } from './support/local-engines';
import { openaiClient, UPSTREAM_KEY } from './support/relay-config';

const JFK =
  'And so, my fellow Americans: ask not what your country can do for you; ask what you can do for your country.';
/** pocketsphinx measured 0.22 on real speech; the bar leaves room for a few more wrong words. */
const WER_BAR = 0.35;
const SENTENCE = 'Has never been surpassed.';

const DECODING: Record<string, { extension: string; inputArgs: string[] }> = {
  ...OUTPUT_DECODING,
  pcm: OUTPUT_DECODING.pcm16!,
};
const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());
const jfk = () => toFile(readSpeechClip('jfk.wav'), 'jfk.wav');
const wer = (hypothesis: string) => wordErrorRate([{ reference: JFK, hypothesis }]);

function toMp3(wav: Buffer): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 'mp3', '-b:a', '64k', 'pipe:1'], {
    input: wav,
    maxBuffer: 16 * 1024 * 1024,
  });
}

type UsageEventJson = {
  model: string;
  provider: string;
  status: string;
  audio_in_ms: number;
  audio_out_ms: number;
  input_characters: number;
  cost_micros: number;
};

async function usageEvents(gateway: GatewayProcess, tenantId: string): Promise<UsageEventJson[]> {
  const created = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'billing', scope: 'billing' });
  const key = (created.body as { key: string }).key;
  const since = Math.floor(Date.now() / 1000) - 3600;
  const response = await fetch(`${gateway.url}/v1/usage/events?start_time=${since}&format=jsonl`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as UsageEventJson);
}

describeWithEngines('the embedded default: no provider key, speech served by the local engines', () => {
  let gateway: GatewayProcess;
  let client: OpenAI;
  let tenantId: string;
  beforeAll(async () => {
    // No config at all: config/default.yaml as `npm start` reads it, and no OPENAI_API_KEY in the environment.
    gateway = await GatewayProcess.start();
    const created = await gateway.createTenantKey('local');
    tenantId = created.tenantId;
    client = new OpenAI({ apiKey: created.key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 120_000 });
  }, 60_000);
  afterAll(() => gateway?.stop());

  it('says at boot what it serves locally and what to configure for chat', () => {
    expect(gateway.output).toContain('local engines serve these models');
    expect(gateway.output).toMatch(/"offline":\[[^\]]*"whisper-1"/);
    expect(gateway.output).toContain('set OPENAI_API_KEY');
  });

  it('lists the locally served models', async () => {
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining(['gpt-4o-mini-tts', 'tts-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'whisper-1']),
    );
  });

  it.each(['wav', 'mp3', 'opus', 'aac', 'flac', 'pcm', 'g711_ulaw'])(
    'speaks %s, decodable by ffmpeg',
    async (format) => {
      const response = await client.audio.speech.create({
        model: 'gpt-4o-mini-tts',
        input: SENTENCE,
        voice: 'alloy',
        response_format: format as 'wav',
      });
      expect(response.headers.get('x-voxgate-model')).toBe('gpt-4o-mini-tts-2025-12-15');
      const { extension, inputArgs } = DECODING[format]!;
      const seconds = ffmpegSeconds(await bytesOf(response), extension, inputArgs);
      // Four words of flite: about 1.5 s.
      expect(seconds).toBeGreaterThan(0.8);
      expect(seconds).toBeLessThan(3.5);
    },
    60_000,
  );

  it.each([2, 0.5])(
    'applies speed %s within 1 %% of the asked duration',
    async (speed) => {
      const speak = async (extra: { speed?: number }) =>
        ffmpegSeconds(
          await bytesOf(
            await client.audio.speech.create({
              model: 'tts-1',
              input: SENTENCE,
              voice: 'alloy',
              response_format: 'wav',
              ...extra,
            }),
          ),
          'wav',
        );
      const normal = await speak({});
      const asked = normal / speed;
      expect(Math.abs((await speak({ speed })) - asked)).toBeLessThan(0.01 * asked);
    },
    60_000,
  );

  it('streams speech.audio.delta events and speech.audio.done, valid against the spec', async () => {
    const response = await client.audio.speech.create({
      model: 'gpt-4o-mini-tts',
      input: 'First sentence here. And a second one.',
      voice: 'sage',
      response_format: 'mp3',
      stream_format: 'sse',
    });
    const events = (await collectSseEvents(response)).map(
      (event) => JSON.parse(event.data) as { type: string; audio?: string },
    );
    const deltas = events.slice(0, -1);
    expect(deltas.length).toBeGreaterThan(0);
    for (const delta of deltas) validator.assertValid('SpeechAudioDeltaEvent', delta, { rejectUndeclaredKeys: true });
    validator.assertValid('SpeechAudioDoneEvent', events.at(-1), { rejectUndeclaredKeys: true });
    const audio = Buffer.concat(deltas.map((delta) => Buffer.from(delta.audio!, 'base64')));
    expect(ffmpegSeconds(audio, 'mp3')).toBeGreaterThan(1.5);
  }, 60_000);

  it('transcribes real speech as json and text, from wav and mp3, under the WER bar', async () => {
    const json = await client.audio.transcriptions.create({ file: await jfk(), model: 'whisper-1' });
    validator.assertValid('CreateTranscriptionResponseJson', json, { rejectUndeclaredKeys: true });
    expect(wer(json.text)).toBeLessThan(WER_BAR);
    const mp3 = toMp3(readSpeechClip('jfk.wav'));
    const text = await client.audio.transcriptions.create({
      file: await toFile(mp3, 'jfk.mp3'),
      model: 'gpt-4o-transcribe',
      response_format: 'text',
    });
    expect(wer(text)).toBeLessThan(WER_BAR);
  }, 120_000);

  it('answers verbose_json with segments and words, srt and vtt with cues, valid against the spec', async () => {
    const verbose = await client.audio.transcriptions.create({
      file: await jfk(),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    validator.assertValid('CreateTranscriptionResponseVerboseJson', verbose, { rejectUndeclaredKeys: true });
    expect(verbose.duration).toBeCloseTo(11, 0);
    expect(verbose.segments!.length).toBeGreaterThan(0);
    expect(verbose.words!.length).toBeGreaterThan(10);
    expect(wer(verbose.text)).toBeLessThan(WER_BAR);
    const srt = await client.audio.transcriptions.create({
      file: await jfk(),
      model: 'whisper-1',
      response_format: 'srt',
    });
    expect(srt).toMatch(/^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n/);
    const vtt = await client.audio.transcriptions.create({
      file: await jfk(),
      model: 'whisper-1',
      response_format: 'vtt',
    });
    expect(vtt).toMatch(/^WEBVTT\n\n00:00:\d\d\.\d{3} --> /);
    expect(wer(vtt.replace(/^WEBVTT|[\d:.]+ --> [\d:.]+/gm, ' '))).toBeLessThan(WER_BAR);
  }, 180_000);

  it('streams transcript.text.delta events then transcript.text.done, valid against the spec', async () => {
    const stream = await client.audio.transcriptions.create({
      file: await jfk(),
      model: 'gpt-4o-mini-transcribe',
      stream: true,
    });
    const events: { type: string; delta?: string; text?: string }[] = [];
    for await (const event of stream) events.push(event);
    const done = events.at(-1)!;
    validator.assertValid('TranscriptTextDoneEvent', done, { rejectUndeclaredKeys: true });
    for (const delta of events.slice(0, -1))
      validator.assertValid('TranscriptTextDeltaEvent', delta, { rejectUndeclaredKeys: true });
    expect(
      events
        .slice(0, -1)
        .map((event) => event.delta)
        .join(''),
    ).toBe(done.text);
    expect(wer(done.text!)).toBeLessThan(WER_BAR);
  }, 120_000);

  it('translates English speech to English text', async () => {
    const translation = await client.audio.translations.create({ file: await jfk(), model: 'whisper-1' });
    validator.assertValid('CreateTranslationResponseJson', translation, { rejectUndeclaredKeys: true });
    expect(wer(translation.text)).toBeLessThan(WER_BAR);
  }, 120_000);

  it.each([
    ['a non-English language', { language: 'fr' }, 'language'],
    ['an empty file', { file: 'empty' }, 'file'],
    ['a corrupt file', { file: 'corrupt' }, 'file'],
    ['an unsupported format', { response_format: 'docx' }, 'response_format'],
  ] as [string, Record<string, string>, string][])(
    'refuses %s with a clear 400',
    async (_name, override, param) => {
      const file =
        override.file === 'empty'
          ? await toFile(Buffer.alloc(0), 'a.wav')
          : override.file === 'corrupt'
            ? await toFile(Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt '), Buffer.alloc(40, 7)]), 'a.wav')
            : await jfk();
      const fields = Object.fromEntries(Object.entries(override).filter(([name]) => name !== 'file'));
      const error = await client.audio.transcriptions
        .create({ file, model: 'whisper-1', ...fields } as never)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    },
    60_000,
  );

  it('refuses audio over audio.maxInputSeconds, an unknown voice and an over-long input with a clear 400', async () => {
    const long = Buffer.alloc(44 + 601 * 8000 * 2);
    long.write('RIFF', 0);
    long.writeUInt32LE(long.length - 8, 4);
    long.write('WAVEfmt ', 8);
    long.writeUInt32LE(16, 16);
    long.writeUInt16LE(1, 20);
    long.writeUInt16LE(1, 22);
    long.writeUInt32LE(8000, 24);
    long.writeUInt32LE(16000, 28);
    long.writeUInt16LE(2, 32);
    long.writeUInt16LE(16, 34);
    long.write('data', 36);
    long.writeUInt32LE(long.length - 44, 40);
    const tooLong = await client.audio.transcriptions
      .create({ file: await toFile(long, 'long.wav'), model: 'whisper-1' })
      .catch((caught: unknown) => caught);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('audio_too_long');
    const voice = await client.audio.speech
      .create({ model: 'tts-1', input: 'Hi.', voice: 'nobody' })
      .catch((caught: unknown) => caught);
    expect(voice).toBeInstanceOf(OpenAI.BadRequestError);
    expect((voice as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('voice');
    const input = await client.audio.speech
      .create({ model: 'tts-1', input: 'a'.repeat(4097), voice: 'alloy' })
      .catch((caught: unknown) => caught);
    expect(input).toBeInstanceOf(OpenAI.BadRequestError);
  }, 60_000);

  it('meters the local routes (characters, audio seconds, provider local, cost 0) and enforces quotas', async () => {
    const events = await usageEvents(gateway, tenantId);
    const speech = events.find((event) => event.model === 'tts-1' && event.status === 'completed');
    expect(speech).toMatchObject({ provider: 'local', input_characters: SENTENCE.length, cost_micros: 0 });
    expect(speech!.audio_out_ms).toBeGreaterThan(700);
    const transcript = events.find((event) => event.model === 'whisper-1' && event.status === 'completed');
    expect(transcript).toMatchObject({ provider: 'local', cost_micros: 0 });
    expect(transcript!.audio_in_ms).toBeGreaterThan(10_000);

    const limited = await gateway.createTenantKey('local quotas');
    await gateway.admin('PUT', `/admin/tenants/${limited.tenantId}/quotas`, { audio_seconds_per_day: 5 });
    const refused = await openaiClient(gateway.url, limited.key)
      .audio.transcriptions.create({ file: await jfk(), model: 'whisper-1' })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  }, 60_000);
});

describeWithEngines('with a provider key, the same names relay to the provider', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    // Only the provider changes: the default model list (with its `offline` entries) stays.
    gateway = await GatewayProcess.start({
      config: {
        providers: { openai: { type: 'openai', baseUrl: upstream.baseUrl, apiKey: UPSTREAM_KEY, maxRetries: 0 } },
      },
    });
    client = openaiClient(gateway.url, (await gateway.createTenantKey('keyed')).key);
  }, 60_000);
  afterEach(() => upstream.assertNoViolations());
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
  });

  it('relays gpt-4o-mini-tts and whisper-1 to the provider, and serves nothing locally', async () => {
    const before = upstream.requests.length;
    await bytesOf(
      await client.audio.speech.create({
        model: 'gpt-4o-mini-tts',
        input: SENTENCE,
        voice: 'alloy',
        response_format: 'wav',
      }),
    );
    await client.audio.transcriptions.create({ file: await jfk(), model: 'whisper-1' });
    const paths = upstream.requests.slice(before).map((request) => request.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/audio\/speech$/),
        expect.stringMatching(/audio\/transcriptions$/),
      ]),
    );
    expect(gateway.output).not.toContain('local engines serve these models');
  }, 60_000);
});

describe('the embedded default on a host without the engines', () => {
  let gateway: GatewayProcess;
  let client: OpenAI;
  beforeAll(async () => {
    // Libraries that do not exist stand in for a host without the Debian packages.
    const missing = {
      flite: 'libflite-missing.so.1',
      espeak: 'libespeak-ng-missing.so.1',
      pocketsphinx: 'libpocketsphinx-missing.so.3',
    };
    gateway = await GatewayProcess.start({ config: { providers: { local: { type: 'local', libraries: missing } } } });
    client = openaiClient(gateway.url, (await gateway.createTenantKey('no engines')).key);
  }, 60_000);
  afterAll(() => gateway?.stop());

  it('boots, says what is missing, and answers 503 naming the package', async () => {
    const speech = await client.audio.speech
      .create({ model: 'tts-1', input: 'Hello.', voice: 'alloy' })
      .catch((caught: unknown) => caught);
    expect(speech).toBeInstanceOf(OpenAI.InternalServerError);
    expect((speech as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((speech as Error).message).toMatch(/libflite1/);
    const transcript = await client.audio.transcriptions
      .create({ file: await jfk(), model: 'whisper-1' })
      .catch((caught: unknown) => caught);
    expect((transcript as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((transcript as Error).message).toMatch(/libpocketsphinx3/);
    expect(gateway.output).toContain('local engines missing');
  }, 60_000);

  it('keeps naming the package after more calls than the circuit breaker allows (a missing engine is not a failing provider)', async () => {
    // The default breaker opens after 5 failures; a missing package must never turn into provider_unavailable.
    for (let call = 0; call < 7; call++) {
      const speech = await client.audio.speech
        .create({ model: 'tts-1', input: 'Hello.', voice: 'alloy' })
        .catch((caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>);
      expect(speech).toMatchObject({ status: 503, code: 'engine_unavailable' });
      expect((speech as Error).message).toMatch(/libflite1/);
    }
    expect(gateway.output).not.toContain('provider.circuit_changed');
  }, 60_000);
});
