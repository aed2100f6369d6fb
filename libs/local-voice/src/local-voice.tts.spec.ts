import { describeWithEngines, levelDbfs } from './__fixtures__/engine-test-tools';
import { LocalVoice, LocalVoiceError, type PcmChunk, wordErrorRate } from '@voxgate/local-voice';

jest.setTimeout(60_000);

async function collect(iterable: AsyncIterable<PcmChunk>): Promise<PcmChunk[]> {
  const chunks: PcmChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

function seconds(chunks: readonly PcmChunk[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.samples.length / chunk.sampleRate, 0);
}

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Please tell me the weather forecast for tomorrow morning in Berlin.',
  'I would like to order two large pizzas and a bottle of water.',
];

describeWithEngines('LocalVoice.synthesize (real flite and espeak-ng)', () => {
  let voice: LocalVoice;
  beforeAll(() => {
    voice = LocalVoice.create({ poolSize: 1 });
  });
  afterAll(() => voice.close());

  it.each([
    ['alloy', 'flite slt', 16_000],
    ['ash', 'flite awb', 16_000],
    ['sage', 'espeak-ng en-us+f3', 22_050],
  ])('speaks with %s (%s) at its native rate, for a plausible duration, not silent', async (name, _engine, rate) => {
    const chunks = await collect(voice.synthesize({ text: SENTENCES[0] as string, voice: name }));
    expect(chunks.map((chunk) => chunk.sampleRate)).toEqual([rate]);
    // 9 words at 2–4 words per second of speech.
    expect(seconds(chunks)).toBeGreaterThan(1.5);
    expect(seconds(chunks)).toBeLessThan(6);
    expect(levelDbfs(chunks[0]!.samples)).toBeGreaterThan(-35);
  });

  it('streams sentence by sentence, in order, resampled to the requested rate', async () => {
    const chunks = await collect(voice.synthesize({ text: SENTENCES.join(' '), voice: 'alloy', sampleRate: 24_000 }));
    expect(chunks.map((chunk) => chunk.text)).toEqual(SENTENCES);
    expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2]);
    expect(new Set(chunks.map((chunk) => chunk.sampleRate))).toEqual(new Set([24_000]));
    const native = await collect(voice.synthesize({ text: SENTENCES.join(' '), voice: 'alloy' }));
    expect(Math.abs(seconds(chunks) - seconds(native))).toBeLessThan(0.01);
  });

  it('applies speed in the engine: flite exactly, espeak-ng within its rate range', async () => {
    const text = SENTENCES[1] as string;
    const normal = seconds(await collect(voice.synthesize({ text, voice: 'alloy' })));
    const fast = await collect(voice.synthesize({ text, voice: 'alloy', speed: 2 }));
    expect(fast[0]!.appliedSpeed).toBe(2);
    expect(seconds(fast) / normal).toBeGreaterThan(0.4);
    expect(seconds(fast) / normal).toBeLessThan(0.65);
    const espeak = await collect(voice.synthesize({ text, voice: 'sage', speed: 4 }));
    expect(espeak[0]!.appliedSpeed).toBeCloseTo(450 / 175, 5);
  });

  it('is real speech: flite slt round-trips through pocketsphinx with WER ≤ 0.2', async () => {
    const pairs = [];
    for (const reference of SENTENCES) {
      const chunks = await collect(voice.synthesize({ text: reference, voice: 'flite:slt' }));
      const { text } = await voice.transcribe({ pcm16: chunks[0]!.samples, sampleRate: chunks[0]!.sampleRate });
      pairs.push({ reference, hypothesis: text });
    }
    expect(wordErrorRate(pairs)).toBeLessThanOrEqual(0.2);
  });

  it('rejects bad requests with typed errors before any engine work', async () => {
    const codeOf = async (request: Parameters<LocalVoice['synthesize']>[0]): Promise<string> =>
      collect(voice.synthesize(request)).then(
        () => 'resolved',
        (error: unknown) => (error instanceof LocalVoiceError ? error.code : String(error)),
      );
    expect(await codeOf({ text: 'hello', voice: 'nobody' })).toBe('unknown_voice');
    expect(await codeOf({ text: ' ... ', voice: 'alloy' })).toBe('invalid_argument');
    expect(await codeOf({ text: 'hello', voice: 'alloy', speed: 5 })).toBe('invalid_argument');
    expect(await codeOf({ text: 'hello', voice: 'espeak-ng:zz' })).toBe('engine_unavailable');
  });
});
