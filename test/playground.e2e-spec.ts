import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SPEECH_TRANSCRIPT, speechPcm16, UNKNOWN_SPEECH, wavFromPcm16 } from '@voxgate/testing';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from './support/chromium';
import { useRelayEnv } from './support/e2e-env';
import { ALIAS, relayConfig } from './support/relay-config';
import { registerTool } from './support/tools-env';

/** Screenshots and the microphone's WAV; ignored by git (`/test/output/`). */
const OUTPUT = path.resolve(__dirname, 'output/playground');
/** The answer the fake upstream speaks: the vendored clip, 24 kHz samples. */
const ANSWER_SAMPLES = speechPcm16().length / 2;

interface PlaygroundState {
  status: string;
  sentSamples: number;
  receivedSamples: number;
  playedSamples: number;
  playedMs: number;
  playedRms: number;
  transcript: Array<{ itemId: string; role: string; text: string; truncated: boolean; transcribed?: boolean }>;
  usage: Array<{ responseId: string; status: string; usage: { total_tokens: number } | null }>;
  errors: Array<{ code: string | null; message: string }>;
  truncations: Array<{ itemId: string; audioEndMs: number }>;
  tools: Array<{ callId: string; name: string; arguments: string }>;
  eventCounts: Record<string, number>;
}

/**
 * The page's `window.__playground`, written `globalThis` in the functions that run in the page (this
 * project compiles without the DOM lib; there, globalThis is the window).
 */
const stateOf = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __playground: PlaygroundState }).__playground);

/** Decodes WAV bytes with ffmpeg (an independent decoder) to 24 kHz mono samples. */
function decodeWav(wav: Buffer): Int16Array {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', '24000', '-'], {
    input: wav,
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
}

function rmsDbfs(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return 20 * Math.log10(Math.sqrt(sum / Math.max(1, samples.length)) / 32768);
}

/** The user audio of the upstream's last chat completion (the committed turn, WAV), decoded. */
function lastUserAudio(body: unknown): Int16Array {
  const { messages } = body as { messages: Array<{ role: string; content: unknown }> };
  const user = messages.filter((message) => message.role === 'user').at(-1);
  const part = (user?.content as Array<{ type: string; input_audio?: { data: string } }>).find(
    (candidate) => candidate.type === 'input_audio',
  );
  if (!part?.input_audio) throw new Error('the last user message carries no audio');
  return decodeWav(Buffer.from(part.input_audio.data, 'base64'));
}

describeWithChromium('GET /playground in real Chromium (fake microphone, built gateway, fake upstream)', () => {
  jest.setTimeout(60_000);
  // The relay's audio chat models, plus a speech-only model the page must not offer.
  const models = [
    ...(relayConfig('http://unused').models as unknown[]),
    { id: 'tts-1', provider: 'openai', endpoints: ['audio/speech'] },
    { id: 'whisper-1', provider: 'openai', endpoints: ['audio/transcriptions', 'audio/translations'] },
  ];
  const env = useRelayEnv({}, { models });
  let browser: Browser;
  let micWav: string;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    // The microphone: 0.6 s of silence, the vendored speech clip, 2 s of silence (then silence: %noloop).
    micWav = path.join(OUTPUT, 'microphone.wav');
    writeFileSync(
      micWav,
      wavFromPcm16(Buffer.concat([Buffer.alloc(48 * 600), speechPcm16(), Buffer.alloc(48 * 2000)])),
    );
    browser = await launchChromium(micWav);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh page (its own microphone capture, from the start of the WAV), failing on any page error. */
  async function openPlayground(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    const response = await page.goto(`${env().gateway.url}/playground`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('#key', env().key);
    await page.click('#load-models');
    await page.waitForSelector('#models option', { state: 'attached' });
    return { page, problems };
  }

  it('server VAD: speaks into the microphone, plays the streamed answer, shows transcript and usage', async () => {
    const { upstream } = env();
    const { page, problems } = await openPlayground();
    const offered = await Promise.all(
      (await page.locator('#models option').all()).map((option) => option.getAttribute('value')),
    );
    expect(offered).toContain(ALIAS);
    expect(offered).not.toContain('tts-1'); // speech-only: the realtime bridge cannot serve it
    expect(await page.inputValue('#model')).toBe(offered[0]);
    await page.fill('#model', ALIAS);
    await page.selectOption('#voice', 'coral');
    const before = upstream.requests.length;

    await page.click('#connect');
    await page.waitForSelector('#app[data-status="connected"]');
    // The answer is complete once every sample received has been rendered by the player worklet.
    await page.waitForFunction(
      (expected) => {
        const state = (globalThis as unknown as { __playground: PlaygroundState }).__playground;
        return state.usage.length === 1 && state.receivedSamples === expected && state.playedSamples === expected;
      },
      ANSWER_SAMPLES,
      { timeout: 30_000 },
    );
    const state = await stateOf(page);
    expect(state.errors).toEqual([]);
    expect(state.eventCounts['input_audio_buffer.speech_started']).toBe(1);
    expect(state.eventCounts['input_audio_buffer.committed']).toBe(1);
    expect(state.playedMs).toBe(Math.round((ANSWER_SAMPLES / 24_000) * 1000));
    expect(await page.getAttribute('#app', 'data-played-ms')).toBe(String(state.playedMs));
    // What the worklet rendered is the answer's audio, at its level (resampled to the context's rate).
    const answerDbfs = rmsDbfs(new Int16Array(speechPcm16().buffer.slice(speechPcm16().byteOffset), 0, ANSWER_SAMPLES));
    expect(Math.abs(20 * Math.log10(state.playedRms) - answerDbfs)).toBeLessThan(1.5);
    expect(state.usage[0]).toMatchObject({ status: 'completed' });
    expect(state.usage[0]?.usage?.total_tokens).toBeGreaterThan(0);
    await expect(page.textContent('#transcript li.assistant')).resolves.toBe(SPEECH_TRANSCRIPT);
    // Input transcription off (the default): the user's turn shows as speech of the length server VAD found.
    const userLine = /^\(speech, (\d+\.\d) s\)$/.exec((await page.textContent('#transcript li.user')) ?? '');
    expect(Number(userLine?.[1])).toBeGreaterThan(1.7);
    expect(Number(userLine?.[1])).toBeLessThan(3.5);
    expect(await page.locator('#usage tbody tr').count()).toBe(1);

    // Upstream: one turn, the voice picked on the page, and the microphone's speech (not silence) as WAV.
    expect(upstream.requests.length).toBe(before + 1);
    const body = upstream.lastRequest().body as { audio: { voice: string } };
    expect(body.audio.voice).toBe('coral');
    const heard = lastUserAudio(body);
    expect(heard.length / 24_000).toBeGreaterThan(1.5);
    expect(heard.length / 24_000).toBeLessThan(3.5);
    expect(rmsDbfs(heard)).toBeGreaterThan(-40);

    const screenshot = path.join(OUTPUT, 'server-vad.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('push to talk at speed 0.5, then barge-in: playback stops and the answer is truncated to what was played', async () => {
    const { upstream } = env();
    const { page, problems } = await openPlayground();
    await page.fill('#model', ALIAS);
    await page.check('input[name="turns"][value="ptt"]');
    // Half speed: the gateway time-stretches the answer to ~3.6 s, time enough to interrupt it.
    await page.focus('#speed');
    for (let step = 0; step < 10; step++) await page.keyboard.press('ArrowLeft'); // 1.00 → 0.50, by 0.05
    expect(await page.textContent('#speed-value')).toBe('0.50');
    await page.click('#connect');
    await page.waitForSelector('#app[data-status="connected"]');
    expect(await page.isEnabled('#talk')).toBe(true);

    // Hold the button over the clip (0.6 s silence + 1.78 s speech), then release: commit + response.create.
    await page.hover('#talk');
    await page.mouse.down();
    await page.waitForFunction(
      () => (globalThis as unknown as { __playground: PlaygroundState }).__playground.sentSamples >= 24_000 * 2.6,
    );
    await page.mouse.up();
    await page.waitForFunction(() => {
      const state = (globalThis as unknown as { __playground: PlaygroundState }).__playground;
      return state.usage.length === 1 && state.playedMs > 300;
    });
    const sentInTurn = (await stateOf(page)).sentSamples; // released: nothing is sent until the next press
    await expect(page.textContent('#transcript li.user')).resolves.toBe(
      `(speech, ${(sentInTurn / 24_000).toFixed(1)} s)`,
    );
    // Press again while the answer plays: playback stops and the server is told how much was heard.
    await page.mouse.down();
    await page.waitForFunction(() =>
      (globalThis as unknown as { __playground: PlaygroundState }).__playground.transcript.some(
        (line) => line.truncated,
      ),
    );
    const state = await stateOf(page);
    expect(state.errors).toEqual([]);
    expect(state.receivedSamples / ANSWER_SAMPLES).toBeCloseTo(2, 1);
    expect(state.playedSamples).toBeGreaterThan(0.3 * 24_000);
    expect(state.playedSamples).toBeLessThan(state.receivedSamples);
    await page.waitForTimeout(300);
    expect((await stateOf(page)).playedSamples).toBe(state.playedSamples); // nothing more is played
    expect(await page.locator('#transcript li.assistant.truncated').count()).toBe(1);
    // The server kept what the worklet had rendered (± one 100 ms progress report), and cut the transcript.
    expect(state.truncations).toHaveLength(1);
    expect(Math.abs(state.truncations[0]!.audioEndMs - state.playedMs)).toBeLessThanOrEqual(100);
    await page.waitForFunction(
      `document.querySelector('#transcript li.assistant').textContent !== ${JSON.stringify(SPEECH_TRANSCRIPT)}`,
    );
    expect(SPEECH_TRANSCRIPT.startsWith((await page.textContent('#transcript li.assistant'))!.trim())).toBe(true);
    expect(state.eventCounts['input_audio_buffer.speech_started'] ?? 0).toBe(0); // no VAD in this mode

    // The first turn carried the audio sent while the button was held: speech, not silence.
    const turn = upstream.requests
      .filter((request) => request.body && (request.body as { stream?: boolean }).stream)
      .at(-1);
    const heard = lastUserAudio(turn?.body);
    expect(heard.length).toBe(sentInTurn);
    expect(rmsDbfs(heard)).toBeGreaterThan(-40);

    // Releasing commits the second hold; its answer is a call of a client tool, listed on the page and
    // answered with an error output by it (the playground runs no client tools).
    upstream.enqueue({ kind: 'toolCalls', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    await page.mouse.up();
    await page.waitForFunction(
      () => (globalThis as unknown as { __playground: PlaygroundState }).__playground.usage.length === 2,
    );
    const after = await stateOf(page);
    expect(after.tools).toEqual([expect.objectContaining({ name: 'get_weather', arguments: '{"city":"Paris"}' })]);
    await expect(page.textContent('#tools')).resolves.toContain('get_weather({"city":"Paris"})');
    expect(after.errors).toEqual([]);

    const screenshot = path.join(OUTPUT, 'push-to-talk-barge-in.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });
  it('lists the server tools the gateway ran in a turn under Tools (from response.done metadata)', async () => {
    const { gateway, upstream, tenantId } = env();
    await registerTool(gateway, tenantId, { name: 'kb', implementation: { type: 'builtin', module: 'search' } });
    // The VAD turn's completion calls the tenant's tool; the gateway runs it, then the model answers.
    upstream.enqueue({ kind: 'toolCalls', calls: [{ name: 'kb', arguments: { query: 'opening hours' } }] });
    const { page, problems } = await openPlayground();
    await page.fill('#model', ALIAS);
    await page.click('#connect');
    await page.waitForSelector('#app[data-status="connected"]');
    await page.waitForFunction(
      () => (globalThis as unknown as { __playground: PlaygroundState }).__playground.usage.length === 1,
      undefined,
      { timeout: 30_000 },
    );
    await expect(page.textContent('#tools')).resolves.toContain('kb — ran on the gateway (ok)');
    expect((await stateOf(page)).errors).toEqual([]);
    const screenshot = path.join(OUTPUT, 'server-tool.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('transcribe my speech: the user turn shows as its transcript once it arrives', async () => {
    const { upstream } = env();
    const { page, problems } = await openPlayground();
    await page.fill('#model', ALIAS);
    // The choice lists the models serving audio/transcriptions, after "off".
    await page.waitForSelector('#transcribe option[value="whisper-1"]', { state: 'attached' });
    const offered = await Promise.all(
      (await page.locator('#transcribe option').all()).map((option) => option.getAttribute('value')),
    );
    expect(offered).toEqual(['', 'whisper-1']);
    await page.selectOption('#transcribe', 'whisper-1');

    await page.click('#connect');
    await page.waitForSelector('#app[data-status="connected"]');
    await page.waitForFunction(
      () => {
        const state = (globalThis as unknown as { __playground: PlaygroundState }).__playground;
        return state.usage.length === 1 && state.transcript.some((line) => line.role === 'user' && line.transcribed);
      },
      undefined,
      { timeout: 30_000 },
    );
    const state = await stateOf(page);
    expect(state.errors).toEqual([]);
    expect(state.eventCounts['conversation.item.input_audio_transcription.completed']).toBe(1);
    // The fake "hears" the vendored clip whose duration the committed turn has, else its fixed sentence.
    const userLine = (await page.textContent('#transcript li.user'))!;
    expect([SPEECH_TRANSCRIPT, 'in being comparatively modern.', UNKNOWN_SPEECH]).toContain(userLine);
    expect(state.transcript.find((line) => line.role === 'user')?.text).toBe(userLine);
    // Transcribed by the upstream's whisper-1, through the gateway's transcription route.
    const transcription = upstream.requests.filter((request) => request.path.endsWith('/audio/transcriptions'));
    expect(transcription.at(-1)?.rawBody).toMatch(/name="model"\r\n\r\nwhisper-1\r\n/);

    const screenshot = path.join(OUTPUT, 'transcribe-my-speech.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
