import { encodeWav } from '@voxgate/audio';
import { LOCAL_VOICE_DEFAULTS, wordErrorRate } from '@voxgate/local-voice';
import { GatewayError } from '@voxgate/openai-wire';
import { parseWav, readSpeechClip } from '@voxgate/testing';
import { LocalProviderConfigSchema } from '@voxgate/config';
import type { TranscriptionCall } from '../speech-backend';
import { UpstreamStreamError } from '../upstream-stream-error';
import { describeWithEngines, failingEngines } from './__fixtures__/local-engines';
import { LocalSpeech } from './local-speech';
import { LocalVoiceAdapter } from './local.adapter';

const JFK = 'and so my fellow americans ask not what your country can do for you ask what you can do for your country';
const context = () => ({ requestId: 'req_test', signal: new AbortController().signal });

async function pcmOf(backend: LocalSpeech, input: string, voice: string) {
  const audio = await backend.synthesize({ model: 'tts-1', input, voice, format: 'pcm', withUsage: true }, context());
  const chunks: Uint8Array[] = [];
  for await (const chunk of audio.chunks) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  return { chunks, seconds: bytes.length / 2 / 24_000, usage: audio.usage() };
}

function jfkWav(): Uint8Array {
  const bytes = readSpeechClip('jfk.wav');
  const wav = parseWav(bytes)!;
  const data = bytes.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes);
  return encodeWav({ sampleRate: wav.sampleRate, samples: new Int16Array(new Uint8Array(data).buffer) });
}

function call(overrides: Partial<TranscriptionCall>): TranscriptionCall {
  return {
    task: 'transcribe',
    model: 'whisper-1',
    audio: { bytes: jfkWav(), format: 'wav' },
    responseFormat: 'json',
    stream: false,
    ...overrides,
  };
}

describeWithEngines('LocalVoiceAdapter with the Debian engines', () => {
  let adapter: LocalVoiceAdapter;
  beforeAll(() => {
    adapter = LocalVoiceAdapter.fromConfig('local', LocalProviderConfigSchema.parse({ type: 'local' }));
  });
  afterAll(() => adapter.close());

  it('speaks pcm at 24 kHz sentence by sentence, usage left to the gateway', async () => {
    const { chunks, seconds, usage } = await pcmOf(
      adapter.speech,
      'Hello there. This is the second sentence.',
      'alloy',
    );
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(6);
    expect(usage).toBeNull();
  }, 60_000);

  it('leaves speed to the gateway (the engines are not exact to 1 %)', () => {
    expect(adapter.speech.capabilities).toEqual({
      speechFormats: ['pcm'],
      speechSpeed: false,
      transcriptionFormats: ['wav'],
    });
  });

  it('refuses an unknown voice with a 400 on voice before any byte', async () => {
    const error = await adapter.speech
      .synthesize({ model: 'tts-1', input: 'hi', voice: 'nobody', format: 'pcm', withUsage: false }, context())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, param: 'voice' });
  }, 30_000);

  it('transcribes real speech as json and verbose_json with words', async () => {
    const json = await adapter.speech.transcribe(call({}), context());
    if (json.kind !== 'json') throw new Error(json.kind);
    expect(wordErrorRate([{ reference: JFK, hypothesis: json.body.text }])).toBeLessThan(0.35);
    expect(json.body.usage).toEqual({ type: 'duration', seconds: 11 });
    const verbose = await adapter.speech.transcribe(
      call({ responseFormat: 'verbose_json', timestampGranularities: ['word', 'segment'] }),
      context(),
    );
    if (verbose.kind !== 'json') throw new Error(verbose.kind);
    const body = verbose.body as unknown as Record<string, unknown> & {
      segments: { start: number; end: number }[];
      words: unknown[];
    };
    expect(body).toMatchObject({ language: 'english', usage: { type: 'duration', seconds: 11 } });
    expect(body).not.toHaveProperty('task');
    for (const word of body.words as { start: number; end: number }[])
      expect(word.end).toBeGreaterThanOrEqual(word.start);
    expect(body['duration']).toBeCloseTo(11, 0);
    expect(body.segments.length).toBeGreaterThan(0);
    expect(body.segments[0]).toEqual(
      expect.objectContaining({ id: 0, seek: expect.any(Number), tokens: [], temperature: 0, avg_logprob: 0 }),
    );
    expect(body.words.length).toBeGreaterThan(10);
  }, 120_000);

  it('writes srt and vtt cues per segment, and text with a newline', async () => {
    const srt = await adapter.speech.transcribe(call({ responseFormat: 'srt' }), context());
    const vtt = await adapter.speech.transcribe(call({ responseFormat: 'vtt' }), context());
    const text = await adapter.speech.transcribe(call({ responseFormat: 'text' }), context());
    if (srt.kind !== 'text' || vtt.kind !== 'text' || text.kind !== 'text') throw new Error('not text');
    expect(srt.text).toMatch(/^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n\S.*\n\n/);
    expect(vtt.text).toMatch(/^WEBVTT\n\n00:00:\d\d\.\d{3} --> 00:00:\d\d\.\d{3}\n\S.*\n\n/);
    expect(text.text.endsWith('\n')).toBe(true);
    expect(wordErrorRate([{ reference: JFK, hypothesis: text.text }])).toBeLessThan(0.35);
  }, 120_000);

  it('streams one delta per segment, then done with the whole text and usage', async () => {
    const outcome = await adapter.speech.transcribe(call({ stream: true }), context());
    if (outcome.kind !== 'events') throw new Error(outcome.kind);
    const events = [];
    for await (const event of outcome.events) events.push(event);
    const done = events.at(-1)!;
    expect(done).toEqual({ type: 'transcript.text.done', text: expect.any(String) });
    const deltas = events.slice(0, -1).map((event) => (event.type === 'transcript.text.delta' ? event.delta : '?'));
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.join('')).toBe((done as { text: string }).text);
  }, 120_000);

  it('refuses a language other than English with a 400 on language, streamed or not', async () => {
    for (const stream of [false, true]) {
      const error = await adapter.speech
        .transcribe(call({ language: 'fr', stream }), context())
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ status: 400, param: 'language', code: 'unsupported_language' });
    }
  });
});

describe('LocalSpeech errors', () => {
  it.each([
    ['engine_unavailable', 503, 'engine_unavailable'],
    ['timeout', 504, 'upstream_timeout'],
    ['invalid_argument', 400, 'invalid_value'],
    ['engine_failed', 502, 'upstream_error'],
  ] as const)('maps %s to %s before the first byte', async (code, status, wireCode) => {
    const backend = new LocalSpeech('local', failingEngines(code, 'libflite.so.1 missing: apt-get install libflite1.'));
    const speech = await backend
      .synthesize({ model: 'tts-1', input: 'hi', voice: 'alloy', format: 'pcm', withUsage: false }, context())
      .catch((caught: unknown) => caught);
    expect(speech).toBeInstanceOf(GatewayError);
    expect(speech).toMatchObject({ status, code: wireCode });
    const transcript = await backend.transcribe(call({}), context()).catch((caught: unknown) => caught);
    expect(transcript).toMatchObject({ status, code: wireCode });
  });

  it('names the Debian package when an engine is missing', async () => {
    const backend = new LocalSpeech(
      'local',
      failingEngines('engine_unavailable', 'libflite.so.1 missing: apt-get install libflite1.'),
    );
    const error = await backend.transcribe(call({}), context()).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      "The provider 'local' is not usable: libflite.so.1 missing: apt-get install libflite1.",
    );
  });

  it('ends a transcript stream with an in-band error when the engine fails mid-way', async () => {
    const backend = new LocalSpeech('local', failingEngines('worker_crashed'));
    const outcome = await backend.transcribe(call({ stream: true }), context());
    if (outcome.kind !== 'events') throw new Error(outcome.kind);
    const read = async () => {
      for await (const event of outcome.events) void event;
    };
    await expect(read()).rejects.toBeInstanceOf(UpstreamStreamError);
  });

  it('keeps the engine defaults in step with the config defaults', () => {
    const config = LocalProviderConfigSchema.parse({ type: 'local' });
    expect(config).toMatchObject({
      poolSize: LOCAL_VOICE_DEFAULTS.poolSize,
      timeoutMs: LOCAL_VOICE_DEFAULTS.timeoutMs,
      allowEngineVoices: LOCAL_VOICE_DEFAULTS.allowEngineVoices,
      pocketsphinxModelDir: LOCAL_VOICE_DEFAULTS.pocketsphinxModelDir,
      maxSentenceChars: LOCAL_VOICE_DEFAULTS.maxSentenceChars,
    });
  });
});
