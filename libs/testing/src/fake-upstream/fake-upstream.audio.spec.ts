import OpenAI, { toFile } from 'openai';
import { readSpeechClip } from '../fixtures/fixture-paths';
import { wavFromPcm16 } from '../audio/wav.format';
import { OpenApiValidator } from '../openapi/openapi-validator';
import { FAKE_SPEECH_SECONDS } from './fake-upstream.speech';
import { FakeUpstream } from './fake-upstream.server';
import { UNKNOWN_SPEECH } from './fake-upstream.transcription';

const validator = new OpenApiValidator();
const JFK =
  'And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.';

describe('FakeUpstream: the audio routes', () => {
  let upstream: FakeUpstream;
  let client: OpenAI;
  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: 'sk-fake', validator });
    client = new OpenAI({ apiKey: 'sk-fake', baseURL: upstream.baseUrl, maxRetries: 0 });
  });
  afterEach(() => upstream.clear());
  afterAll(() => upstream.stop());

  it('synthesizes the vendored clip as a WAV of its duration, at the asked speed', async () => {
    const response = await client.audio.speech.create({
      model: 'gpt-4o-mini-tts',
      input: 'hi',
      voice: 'alloy',
      response_format: 'wav',
      speed: 2,
    });
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const bytes = Buffer.from(await response.arrayBuffer());
    const dataBytes = bytes.length - 44;
    expect(dataBytes / 48_000).toBeCloseTo(FAKE_SPEECH_SECONDS / 2, 1);
    upstream.assertNoViolations();
  }, 20_000);

  it('records a speech body the spec refuses (an undeclared key) and answers 400', async () => {
    const error = await client.audio.speech
      .create({ model: 'tts-1', input: 'hi', voice: 'alloy', pitch: 3 } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(upstream.violations.join('\n')).toMatch(/CreateSpeechRequest: \/pitch/);
  });

  it('refuses sse for tts-1 as OpenAI does', async () => {
    const error = await client.audio.speech
      .create({ model: 'tts-1', input: 'hi', voice: 'alloy', stream_format: 'sse' })
      .catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('stream_format');
  });

  it('recognises a vendored clip by its duration, and answers other audio with a fixed sentence', async () => {
    const jfk = await client.audio.transcriptions.create({
      file: await toFile(readSpeechClip('jfk.wav'), 'jfk.wav'),
      model: 'gpt-4o-transcribe',
    });
    expect(jfk.text).toBe(JFK);
    validator.assertValid('CreateTranscriptionResponseJson', jfk, { rejectUndeclaredKeys: true });
    const other = await client.audio.transcriptions.create({
      file: await toFile(wavFromPcm16(Buffer.alloc(48_000 * 3)), 'three-seconds.wav'),
      model: 'gpt-4o-transcribe',
    });
    expect(other.text).toBe(UNKNOWN_SPEECH);
    upstream.assertNoViolations();
  });

  it('refuses a file whose name OpenAI would not accept', async () => {
    const error = await client.audio.transcriptions
      .create({ file: await toFile(readSpeechClip('jfk.wav'), 'jfk.pcm'), model: 'whisper-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/Invalid file format/);
  });

  it('records a form field the spec does not declare', async () => {
    const form = new FormData();
    form.append('file', new Blob([readSpeechClip('jfk.wav')]), 'jfk.wav');
    form.append('model', 'whisper-1');
    form.append('colour', 'blue');
    const response = await fetch(`${upstream.baseUrl}/audio/translations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-fake' },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(upstream.violations.join('\n')).toMatch(/CreateTranslationRequest: \/colour/);
  });
});
