import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { readSpeechClip } from '@voxgate/testing';
import { AUDIO_MODELS, TRANSCRIBE_MODEL } from './support/audio-models';
import { useRelayEnv, validator } from './support/e2e-env';

const JFK =
  'And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.';
const jfkWav = readSpeechClip('jfk.wav');

/** jfk.wav re-encoded by ffmpeg, an independent encoder, into the formats clients upload. */
function encoded(extension: string, args: string[]): Buffer {
  const directory = mkdtempSync(path.join(tmpdir(), 'voxgate-e2e-stt-'));
  try {
    const out = path.join(directory, `out.${extension}`);
    execFileSync('ffmpeg', ['-v', 'error', '-i', '-', ...args, out], { input: jfkWav });
    return readFileSync(out);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The file name the gateway sent upstream (multipart `filename=`). */
const uploadedName = (rawBody: string) => /filename="([^"]+)"/.exec(rawBody)?.[1];

describe('POST /v1/audio/transcriptions and /translations relayed to a provider', () => {
  const env = useRelayEnv({}, { models: AUDIO_MODELS });

  it.each([
    ['wav', () => jfkWav, 'jfk.wav', 'audio.wav'],
    ['mp3', () => encoded('mp3', ['-ac', '1']), 'jfk.mp3', 'audio.mp3'],
    ['flac', () => encoded('flac', []), 'jfk.flac', 'audio.flac'],
    ['ogg/opus', () => encoded('ogg', ['-c:a', 'libopus']), 'jfk.ogg', 'audio.ogg'],
    ['webm/opus', () => encoded('webm', ['-c:a', 'libopus']), 'recording.webm', 'audio.webm'],
    [
      'pcm16 (headerless, named .pcm)',
      () => encoded('s16le', ['-f', 's16le', '-ar', '24000', '-ac', '1']),
      'jfk.pcm',
      'audio.wav',
    ],
    [
      'G.711 µ-law (named .ulaw)',
      () => encoded('ulaw', ['-f', 'mulaw', '-ar', '8000', '-ac', '1']),
      'call.ulaw',
      'audio.wav',
    ],
  ])('transcribes real speech uploaded as %s', async (_format, make, name, sent) => {
    const { client, upstream } = env();
    const result = await client.audio.transcriptions.create({
      file: await toFile(make(), name),
      model: TRANSCRIBE_MODEL,
    });
    validator.assertValid('CreateTranscriptionResponseJson', result, { rejectUndeclaredKeys: true });
    expect(result.text).toBe(JFK);
    expect(uploadedName(upstream.lastRequest().rawBody)).toBe(sent);
  });

  it('answers json with duration usage for whisper-1, and text, srt, vtt as text/plain', async () => {
    const { client } = env();
    const file = async () => toFile(jfkWav, 'jfk.wav');
    const json = await client.audio.transcriptions.create({ file: await file(), model: 'whisper-1' });
    validator.assertValid('CreateTranscriptionResponseJson', json, { rejectUndeclaredKeys: true });
    expect(json.usage).toEqual({ type: 'duration', seconds: 11 });
    const text = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'text',
    });
    expect(text.trim()).toBe(JFK);
    const srt = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'srt',
    });
    expect(srt).toMatch(/^1\n00:00:00,000 --> 00:00:11,000\nAnd so my fellow Americans/);
    const vtt = await client.audio.transcriptions.create({
      file: await file(),
      model: 'whisper-1',
      response_format: 'vtt',
    });
    expect(vtt).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:11\.000\nAnd so/);
    const raw = await client.audio.transcriptions
      .create({ file: await file(), model: 'whisper-1', response_format: 'srt' })
      .asResponse();
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('answers verbose_json with segments and words, timestamp_granularities sent as arrays', async () => {
    const { client, upstream } = env();
    const result = await client.audio.transcriptions.create({
      file: await toFile(jfkWav, 'jfk.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    validator.assertValid('CreateTranscriptionResponseVerboseJson', result, { rejectUndeclaredKeys: true });
    expect(result.duration).toBeCloseTo(11, 1);
    expect(result.words?.map((word) => word.word).join(' ')).toBe(JFK);
    expect(upstream.lastRequest().rawBody.match(/name="timestamp_granularities\[\]"/g)).toHaveLength(2);
  });

  it('streams transcript.text.delta events then transcript.text.done, valid against the spec', async () => {
    const { client } = env();
    const stream = await client.audio.transcriptions.create({
      file: await toFile(encoded('mp3', ['-ac', '1']), 'jfk.mp3'),
      model: TRANSCRIBE_MODEL,
      stream: true,
    });
    let text = '';
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'transcript.text.delta') {
        validator.assertValid('TranscriptTextDeltaEvent', event, { rejectUndeclaredKeys: true });
        text += event.delta;
      } else {
        validator.assertValid('TranscriptTextDoneEvent', event, { rejectUndeclaredKeys: true });
        expect(event.type === 'transcript.text.done' && event.text).toBe(JFK);
      }
    }
    expect(text).toBe(JFK);
    expect(types.at(-1)).toBe('transcript.text.done');
    expect(types.length).toBeGreaterThan(10);
  });

  it('translates, in json, verbose_json and text', async () => {
    const { client, upstream } = env();
    const json = await client.audio.translations.create({ file: await toFile(jfkWav, 'jfk.wav'), model: 'whisper-1' });
    validator.assertValid('CreateTranslationResponseJson', json, { rejectUndeclaredKeys: true });
    expect(json.text).toBe(JFK);
    expect(upstream.lastRequest().path).toBe('/v1/audio/translations');
    const verbose = await client.audio.translations.create({
      file: await toFile(encoded('flac', []), 'jfk.flac'),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    validator.assertValid('CreateTranslationResponseVerboseJson', verbose, { rejectUndeclaredKeys: true });
    const text = await client.audio.translations.create({
      file: await toFile(jfkWav, 'jfk.wav'),
      model: 'whisper-1',
      response_format: 'text',
    });
    expect((text as unknown as string).trim()).toBe(JFK);
  });

  it.each([
    ['an empty file', () => Buffer.alloc(0), 'empty.wav', /empty/i],
    ['random bytes', () => Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)), 'noise.wav', /./],
    ['a truncated Ogg/Opus file', () => encoded('ogg', ['-c:a', 'libopus']).subarray(0, 300), 'cut.ogg', /./],
    ['a Vorbis file (unsupported codec)', () => encoded('ogg', ['-c:a', 'libvorbis']), 'vorbis.ogg', /vorbis|codec/i],
  ])('refuses %s with a 400 naming file, without calling the provider', async (_name, make, name, message) => {
    const { client, upstream } = env();
    const before = upstream.requests.length;
    const error = await client.audio.transcriptions
      .create({ file: await toFile(make(), name), model: TRANSCRIBE_MODEL })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('file');
    expect((error as Error).message).toMatch(message);
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses bad fields and wrong models with clear 4xx errors', async () => {
    const { client, upstream } = env();
    const before = upstream.requests.length;
    const file = async () => toFile(jfkWav, 'jfk.wav');
    const attempts: [Promise<unknown>, string | null, number][] = [
      [
        client.audio.transcriptions.create({
          file: await file(),
          model: TRANSCRIBE_MODEL,
          response_format: 'xml' as 'json',
        }),
        'response_format',
        400,
      ],
      [
        client.audio.transcriptions.create({ file: await file(), model: TRANSCRIBE_MODEL, temperature: 3 }),
        'temperature',
        400,
      ],
      [client.audio.transcriptions.create({ file: await file(), model: 'gpt-4o-mini-tts' }), 'model', 400],
      [client.audio.translations.create({ file: await file(), model: TRANSCRIBE_MODEL }), 'model', 400],
      [client.audio.transcriptions.create({ file: await file(), model: 'nope' }), 'model', 404],
    ];
    for (const [attempt, param, status] of attempts) {
      const error = (await attempt.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect([error.status, error.param]).toEqual([status, param]);
    }
    const missing = await fetch(`${env().gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env().key}` },
      body: (() => {
        const form = new FormData();
        form.append('model', TRANSCRIBE_MODEL);
        return form;
      })(),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { param: string } }).error.param).toBe('file');
    expect(upstream.requests.length).toBe(before);
  });
});

describe('transcription limits', () => {
  const env = useRelayEnv(
    {},
    { models: AUDIO_MODELS, audio: { maxInputSeconds: 5 }, server: { bodyLimitBytes: 300_000 } },
  );

  it('refuses audio longer than audio.maxInputSeconds with a 400 audio_too_long', async () => {
    const { client, upstream } = env();
    const error = await client.audio.transcriptions
      .create({ file: await toFile(encoded('mp3', ['-ac', '1']), 'jfk.mp3'), model: TRANSCRIBE_MODEL })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('audio_too_long');
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a file over the body limit with a 413', async () => {
    const { client } = env();
    const error = await client.audio.transcriptions
      .create({ file: await toFile(jfkWav, 'jfk.wav'), model: TRANSCRIBE_MODEL })
      .catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
  });
});
