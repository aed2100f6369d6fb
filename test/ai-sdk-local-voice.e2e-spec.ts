import { createOpenAI } from '@ai-sdk/openai';
import { experimental_generateSpeech as generateSpeech, experimental_transcribe as transcribe } from 'ai';
import { wordErrorRate } from '@voxgate/local-voice';
import { readSpeechClip } from '@voxgate/testing';
import { ffmpegSeconds } from './support/decode';
import { GatewayProcess } from './support/gateway-process';
import { describeWithEngines } from './support/local-engines';

// The Vercel AI SDK (ai 6, @ai-sdk/openai 3; their names are still `experimental_`) against the built
// gateway with no provider key: speech and transcription are served by the local engines.

const JFK =
  'And so, my fellow Americans: ask not what your country can do for you; ask what you can do for your country.';
const SENTENCE = 'The quick brown fox jumps over the lazy dog. It was a sunny day.';

describeWithEngines('the Vercel AI SDK on the embedded default (local engines, no provider key)', () => {
  let gateway: GatewayProcess;
  let provider: ReturnType<typeof createOpenAI>;
  beforeAll(async () => {
    gateway = await GatewayProcess.start(); // config/default.yaml, no OPENAI_API_KEY
    const { key } = await gateway.createTenantKey('ai-sdk');
    provider = createOpenAI({ apiKey: key, baseURL: `${gateway.url}/v1` });
  }, 60_000);
  afterAll(() => gateway?.stop());

  it.each(['wav', 'mp3'])(
    'generateSpeech returns %s that ffmpeg decodes, and transcribe hears it back',
    async (format) => {
      const speech = await generateSpeech({
        model: provider.speech('gpt-4o-mini-tts'),
        text: SENTENCE,
        voice: 'alloy',
        outputFormat: format,
        maxRetries: 0,
      });
      const bytes = Buffer.from(speech.audio.uint8Array);
      const seconds = ffmpegSeconds(bytes, format);
      expect(seconds).toBeGreaterThan(2);
      expect(seconds).toBeLessThan(8);
      // The round trip through the local engines: flite is what pocketsphinx recognises best.
      const heard = await transcribe({ model: provider.transcription('whisper-1'), audio: bytes, maxRetries: 0 });
      expect(wordErrorRate([{ reference: SENTENCE, hypothesis: heard.text }])).toBeLessThan(0.35);
    },
    120_000,
  );

  it('transcribe reads the vendored speech clip within the WER bound', async () => {
    const result = await transcribe({
      model: provider.transcription('gpt-4o-transcribe'),
      audio: readSpeechClip('jfk.wav'),
      maxRetries: 0,
    });
    expect(wordErrorRate([{ reference: JFK, hypothesis: result.text }])).toBeLessThan(0.35);
  }, 120_000);
});
