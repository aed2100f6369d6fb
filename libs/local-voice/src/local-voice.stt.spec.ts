import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SPEECH_CLIPS } from '@voxgate/testing';
import { describeWithEngines, speechClipPcm, speechTranscripts } from './__fixtures__/engine-test-tools';
import {
  detectSpeech,
  LocalVoice,
  LocalVoiceError,
  SileroVad,
  type TranscriptSegment,
  wordErrorRate,
} from '@voxgate/local-voice';

jest.setTimeout(120_000);

/**
 * Aggregate WER bar on the vendored clips (jfk, LJ001-0002, LJ001-0008: 30 reference words). Measured here:
 * 0.200 (6 errors / 30 words) on every run (decoding is deterministic; `npm run bench:local-voice` prints it);
 * the research measured 0.22 on 101 s of real speech. The bar allows two more wrong words: 8 / 30.
 */
const WER_BAR = 0.27;

function concatWithSilence(parts: readonly Int16Array[], silenceSamples: number): Int16Array {
  const output = new Int16Array(
    parts.reduce((sum, part) => sum + part.length, 0) + silenceSamples * (parts.length - 1),
  );
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length + silenceSamples;
  }
  return output;
}

describeWithEngines('LocalVoice.transcribe (real pocketsphinx)', () => {
  let voice: LocalVoice;
  beforeAll(() => {
    voice = LocalVoice.create({ poolSize: 1 });
  });
  afterAll(() => voice.close());

  it(`recognises the vendored speech clips with aggregate WER ≤ ${WER_BAR} (cut by Silero VAD, the default)`, async () => {
    expect((await voice.probe()).stt).toMatchObject({ vad: 'silero' });
    expect((await voice.probe()).stt.vadFallbackReason).toBeUndefined();
    const transcripts = speechTranscripts();
    const pairs = [];
    for (const clip of SPEECH_CLIPS) {
      const { samples, sampleRate } = speechClipPcm(clip);
      const result = await voice.transcribe({ pcm16: samples, sampleRate, language: 'en' });
      expect(result.language).toBe('en');
      expect(result.durationSeconds).toBeCloseTo(samples.length / sampleRate, 5);
      pairs.push({ reference: transcripts.get(clip) ?? '', hypothesis: result.text });
    }
    const wer = wordErrorRate(pairs);
    expect(wer).toBeLessThanOrEqual(WER_BAR);
  });

  it('cuts audio at inserted silences into segments with sane, ordered timestamps and word times', async () => {
    const first = speechClipPcm('LJ001-0002.wav');
    const second = speechClipPcm('LJ001-0008.wav');
    const rate = first.sampleRate;
    const audio = concatWithSilence([first.samples, second.samples], rate * 1.5);
    const seen: TranscriptSegment[] = [];
    const result = await voice.transcribe({
      pcm16: audio,
      sampleRate: rate,
      onSegment: (segment) => seen.push(segment),
    });
    const duration = audio.length / rate;
    const secondStart = (first.samples.length + rate * 1.5) / rate;
    expect(result.segments.length).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(result.segments);
    expect(result.segments.map((segment) => segment.id)).toEqual(result.segments.map((_, index) => index));
    for (const [index, segment] of result.segments.entries()) {
      expect(segment.start).toBeGreaterThanOrEqual(0);
      expect(segment.end).toBeGreaterThan(segment.start);
      expect(segment.end).toBeLessThanOrEqual(duration + 1e-9);
      if (index > 0) expect(segment.start).toBeGreaterThanOrEqual(result.segments[index - 1]!.end);
      for (const word of segment.words) {
        expect(word.start).toBeGreaterThanOrEqual(segment.start);
        expect(word.end).toBeLessThanOrEqual(segment.end + 0.02);
      }
    }
    // The first cut ends inside the inserted silence, the last begins inside it.
    expect(result.segments[0]!.end).toBeLessThan(secondStart);
    expect(result.segments[0]!.end).toBeGreaterThan(first.samples.length / rate - 0.1);
    expect(result.segments.at(-1)!.start).toBeGreaterThan(first.samples.length / rate);
    expect(result.segments.at(-1)!.start).toBeLessThan(secondStart + 0.3);
    expect(result.segments.at(-1)!.text).toMatch(/surpassed/);
    expect(result.text).toBe(result.segments.map((segment) => segment.text).join(' '));
  });

  it('returns no segments for silence, and rejects other languages and bad input with typed errors', async () => {
    const silent = await voice.transcribe({ pcm16: new Int16Array(16_000), sampleRate: 16_000 });
    expect(silent).toMatchObject({ text: '', segments: [], words: [] });
    const codeOf = (promise: Promise<unknown>): Promise<string> =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (error instanceof LocalVoiceError ? error.code : String(error)),
      );
    expect(await codeOf(voice.transcribe({ pcm16: new Int16Array(10), sampleRate: 16_000, language: 'de' }))).toBe(
      'unsupported_language',
    );
    expect(await codeOf(voice.transcribe({ pcm16: new Int16Array(10), sampleRate: 100 }))).toBe('invalid_argument');
  });

  it('cuts where Silero cuts (not where the energy VAD would)', async () => {
    const { samples, sampleRate } = speechClipPcm('jfk.wav'); // 16 kHz: no resampling, same samples as here
    const silero = SileroVad.load().detect(samples, sampleRate);
    const energy = detectSpeech(samples, sampleRate);
    expect(silero).not.toEqual(energy); // on this clip: 3 cuts against 4 (energy also cuts at ~7.8 s)
    const result = await voice.transcribe({ pcm16: samples, sampleRate });
    expect(result.segments.map(({ start, end }) => ({ start, end }))).toEqual(silero);
  });

  it('with Silero, a burst of loud white noise yields no segment (the energy VAD cuts it as speech)', async () => {
    const rate = 16_000;
    let state = 11;
    const noise = new Int16Array(3 * rate);
    for (let index = rate; index < 2.5 * rate; index++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      noise[index] = Math.round((state / 2 ** 32 - 0.5) * 2 * 8000);
    }
    expect(detectSpeech(noise, rate).length).toBeGreaterThan(0);
    const seen: TranscriptSegment[] = [];
    const result = await voice.transcribe({
      pcm16: noise,
      sampleRate: rate,
      onSegment: (segment) => seen.push(segment),
    });
    expect(result.segments).toEqual([]);
    expect(seen).toEqual([]);
    const energyVoice = LocalVoice.create({ poolSize: 1, vad: { engine: 'energy' } });
    try {
      expect((await energyVoice.probe()).stt).toMatchObject({ vad: 'energy' });
    } finally {
      await energyVoice.close();
    }
  });

  it('falls back to the energy VAD when Silero cannot load, says why in probe, and still transcribes', async () => {
    const fallback = LocalVoice.create({ poolSize: 1, sileroModel: '/nonexistent/silero_vad.onnx' });
    try {
      const { stt } = await fallback.probe();
      expect(stt.vad).toBe('energy');
      expect(stt.vadFallbackReason).toMatch(/nonexistent/);
      const { samples, sampleRate } = speechClipPcm('jfk.wav');
      expect((await fallback.transcribe({ pcm16: samples, sampleRate })).text).toMatch(/country/);
    } finally {
      await fallback.close();
    }
  });

  it('never blocks the event loop while decoding (max delay far below the decode time)', async () => {
    const { samples, sampleRate } = speechClipPcm('jfk.wav');
    const long = concatWithSilence([samples, samples], sampleRate);
    await voice.transcribe({ pcm16: samples.subarray(0, sampleRate), sampleRate }); // decoder loaded
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    // The histogram counts from its first timer tick: a block right after enable() would go unseen.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = performance.now();
    const result = await voice.transcribe({ pcm16: long, sampleRate });
    const elapsed = performance.now() - started;
    histogram.disable();
    const maxDelayMs = histogram.max / 1e6;
    console.log(
      `transcribe ${(long.length / sampleRate).toFixed(1)} s: ${elapsed.toFixed(0)} ms, max event-loop delay ${maxDelayMs.toFixed(1)} ms`,
    );
    expect(result.text).toMatch(/country/);
    // On the main thread, the event loop would stall for a whole decoding window (≥ 11 s of speech: 3 s at
    // pocketsphinx's best measured RTF of 0.27, still over a second at 0.1; 34 s measured under load). Off it,
    // the loop only waits for the CPU: up to ~250 ms seen on our shared 2-core machine at load average 10,
    // under 30 ms when quieter. Hence the generous bound.
    expect(elapsed).toBeGreaterThan(1_000);
    expect(maxDelayMs).toBeLessThan(1_000);
  });
});
