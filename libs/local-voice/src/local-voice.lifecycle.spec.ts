import { describeWithEngines, speechClipPcm } from './__fixtures__/engine-test-tools';
import { LocalVoice, LocalVoiceError, OPENAI_VOICES } from '@voxgate/local-voice';

jest.setTimeout(60_000);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof LocalVoiceError ? error.code : `untyped: ${String(error)}`),
  );
}

const LONG_TEXT = Array.from(
  { length: 12 },
  (_, index) => `This is sentence number ${index + 1} of a long answer.`,
).join(' ');

describe('LocalVoice with missing libraries and models (no engine needed)', () => {
  let voice: LocalVoice;
  beforeAll(() => {
    voice = LocalVoice.create({
      libraries: { flite: '/nonexistent/libflite.so.1', pocketsphinx: 'libpocketsphinx-missing.so.3' },
      pocketsphinxModelDir: '/nonexistent/model',
    });
  });
  afterAll(() => voice.close());

  it('reports each missing engine with what to install, instead of crashing', async () => {
    const capabilities = await voice.probe();
    expect(capabilities.tts.flite).toEqual({
      available: false,
      reason: 'flite is not available: cannot load /nonexistent/libflite.so.1 (install the Debian package libflite1)',
      voices: [],
    });
    expect(capabilities.stt).toEqual({
      available: false,
      reason: expect.stringContaining('install the Debian package pocketsphinx-en-us') as unknown,
      engine: 'pocketsphinx',
      vad: 'silero', // sherpa-onnx-node is an npm dependency: Silero loads without any Debian package
      languages: [],
    });
    expect(Object.values(capabilities.tts.voices).every((spec) => spec.startsWith('espeak-ng:'))).toBe(true);
  });

  it('fails calls that need them with engine_unavailable, and keeps serving', async () => {
    const speak = async (): Promise<void> => {
      for await (const _chunk of voice.synthesize({ text: 'hello there', voice: 'alloy' })) void _chunk;
    };
    expect(await codeOf(speak())).toBe('engine_unavailable');
    expect(await codeOf(voice.transcribe({ pcm16: new Int16Array(16_000), sampleRate: 16_000 }))).toBe(
      'engine_unavailable',
    );
    expect(voice.stats.replaced).toBe(0);
  });

  it('rejects an invalid voice map at create', () => {
    expect(() => LocalVoice.create({ voices: { alloy: 'festival:kal' } })).toThrow(LocalVoiceError);
  });
});

describeWithEngines('LocalVoice lifecycle (real engines)', () => {
  let voice: LocalVoice;
  beforeAll(() => {
    voice = LocalVoice.create({ poolSize: 1 });
  });
  afterAll(() => voice.close());

  it('probes every engine, the Debian flite voices and every OpenAI voice name', async () => {
    const capabilities = await voice.probe();
    expect(capabilities.tts.flite).toEqual({ available: true, voices: ['slt', 'awb', 'rms', 'kal', 'kal16'] });
    expect(capabilities.tts.espeak.available).toBe(true);
    expect(Object.keys(capabilities.tts.voices).sort()).toEqual([...OPENAI_VOICES].sort());
    expect(capabilities.stt).toEqual({ available: true, engine: 'pocketsphinx', languages: ['en'], vad: 'silero' });
  });

  it('aborts a running transcription promptly, replaces the worker, then serves the next call', async () => {
    const { samples, sampleRate } = speechClipPcm('jfk.wav');
    const controller = new AbortController();
    const replacedBefore = voice.stats.replaced;
    const call = voice.transcribe({ pcm16: samples, sampleRate, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const abortedAt = performance.now();
    controller.abort();
    expect(await codeOf(call)).toBe('aborted');
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(voice.stats.replaced).toBe(replacedBefore + 1);
    const next = await voice.transcribe({ pcm16: samples.subarray(0, sampleRate * 3), sampleRate });
    expect(next.text.length).toBeGreaterThan(0);
  });

  it('aborts a synthesis between sentences; stopping iteration early keeps the worker', async () => {
    const controller = new AbortController();
    const iterator = voice.synthesize({ text: LONG_TEXT, voice: 'alloy', signal: controller.signal });
    const first = await iterator.next();
    expect(first.done).toBe(false);
    controller.abort();
    expect(await codeOf(iterator.next())).toBe('aborted');
    const replaced = voice.stats.replaced;
    for await (const chunk of voice.synthesize({ text: LONG_TEXT, voice: 'alloy' })) {
      expect(chunk.index).toBe(0);
      break;
    }
    expect(voice.stats.replaced).toBe(replaced);
    const again = await voice.synthesize({ text: 'Still here.', voice: 'alloy' }).next();
    expect(again.value?.samples.length).toBeGreaterThan(0);
  });

  it('times out a transcription that runs too long, with a typed error', async () => {
    const { samples, sampleRate } = speechClipPcm('jfk.wav');
    expect(await codeOf(voice.transcribe({ pcm16: samples, sampleRate, timeoutMs: 100 }))).toBe('timeout');
    const next = await voice.transcribe({ pcm16: samples.subarray(0, sampleRate * 3), sampleRate });
    expect(next.durationSeconds).toBe(3);
  });
});
