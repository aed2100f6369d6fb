import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffprobeAudio, PCM16_BYTES_PER_SECOND, SPEECH_TRANSCRIPT, speechPcm16 } from '@voxgate/testing';
import { REPO_ROOT, runProcess, runProcessRaw } from './support/cli-process';
import { sentRequests, toolMessages, useToolsEnv } from './support/tools-env';

const EXAMPLES = path.join(REPO_ROOT, 'examples');
const FIXTURE_SECONDS = speechPcm16().length / PCM16_BYTES_PER_SECOND;

/** The first `input_audio` part of a chat request body as the fake upstream received it. */
function inputAudioOf(body: unknown): { data: string; format: string } | undefined {
  const messages = (body as { messages: { role: string; content?: unknown }[] }).messages;
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    const part = (message.content as { type: string; input_audio?: { data: string; format: string } }[]).find(
      (candidate) => candidate.type === 'input_audio',
    );
    if (part?.input_audio) return part.input_audio;
  }
  return undefined;
}

/**
 * Every example in examples/ runs as a user would run it (a child process with `VOXGATE_URL` and
 * `VOXGATE_API_KEY`) against the built gateway and the fake upstream; its output, exit code, what reached
 * the upstream and the audio it wrote (checked with ffprobe) are asserted.
 */
describe('examples/', () => {
  const env = useToolsEnv();
  let out = '';
  beforeEach(() => {
    out = mkdtempSync(path.join(tmpdir(), 'voxgate-examples-'));
  });
  afterEach(() => {
    env().upstream.respondWith(undefined);
    rmSync(out, { recursive: true, force: true });
  });

  const exampleEnv = (extra: Record<string, string> = {}) => ({
    VOXGATE_URL: env().gateway.url,
    VOXGATE_API_KEY: env().key,
    ...extra,
  });
  const run = (file: string, args: string[] = [], extra: Record<string, string> = {}) =>
    runProcess(file.endsWith('.sh') ? 'bash' : process.execPath, [path.join(EXAMPLES, file), ...args], {
      env: exampleEnv(extra),
      timeoutMs: 30_000,
    });

  it('audio-in-audio-out.mjs sends the bundled clip and saves the spoken answer as WAV', async () => {
    const answer = path.join(out, 'answer.wav');
    expect(await run('audio-in-audio-out.mjs', [answer])).toEqual({
      code: 0,
      stdout: `transcript: ${SPEECH_TRANSCRIPT}\naudio: ${answer}\n`,
      stderr: '',
    });
    // WAV is OpenAI's own input format: the clip reaches the provider byte for byte.
    expect(inputAudioOf(env().upstream.lastRequest().body)).toEqual({
      format: 'wav',
      data: readFileSync(path.join(EXAMPLES, 'assets/question.wav')).toString('base64'),
    });
    const probed = ffprobeAudio(readFileSync(answer), 'wav');
    expect(probed).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '24000', channels: 1 });
    expect(Number(probed.duration)).toBeCloseTo(FIXTURE_SECONDS, 1);
  });

  it('streaming-player.mjs writes the streamed answer as one mp3, time-stretched by speed 1.25', async () => {
    const answer = path.join(out, 'answer.mp3');
    expect(await run('streaming-player.mjs', [answer])).toEqual({
      code: 0,
      stdout: `${SPEECH_TRANSCRIPT}\naudio: ${answer}\n`,
      stderr: '',
    });
    expect(env().upstream.lastRequest().body).toMatchObject({ stream: true, audio: { format: 'pcm16' } });
    const probed = ffprobeAudio(readFileSync(answer), 'mp3');
    expect(probed).toMatchObject({ codec_name: 'mp3', channels: 1 });
    expect(Math.abs(Number(probed.duration) - FIXTURE_SECONDS / 1.25)).toBeLessThan(0.15);
  });

  it('streaming-player.mjs with "-" writes the audio to stdout (for a player) and the transcript to stderr', async () => {
    const result = await runProcessRaw(process.execPath, [path.join(EXAMPLES, 'streaming-player.mjs'), '-'], {
      env: exampleEnv(),
      timeoutMs: 30_000,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: `${SPEECH_TRANSCRIPT}\n` });
    expect(ffprobeAudio(result.stdout, 'mp3')).toMatchObject({ codec_name: 'mp3' });
  });

  it('multipart-upload.sh uploads the raw clip with curl and prints the JSON answer', async () => {
    const result = await run('multipart-upload.sh');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const completion = JSON.parse(result.stdout) as { object: string; choices: { message: { content: string } }[] };
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe(SPEECH_TRANSCRIPT);
    // "format":"auto" was sniffed as WAV, which the provider takes as it is.
    expect(inputAudioOf(env().upstream.lastRequest().body)).toEqual({
      format: 'wav',
      data: readFileSync(path.join(EXAMPLES, 'assets/question.wav')).toString('base64'),
    });
  });

  it('multipart-upload.sh fails with the gateway error (non-zero exit) for a bad key', async () => {
    const result = await run('multipart-upload.sh', [], { VOXGATE_API_KEY: 'sk-vg-not-a-key' });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('"code":"invalid_api_key"');
  });

  it('batch-recorded-calls.mjs summarises the bundled mp3 and Ogg/Opus calls in one batch', async () => {
    const { upstream } = env();
    upstream.respondWith((body) => ({
      kind: 'completion',
      message: {
        content:
          inputAudioOf(body)?.format === 'mp3' ? 'Maria moves her appointment.' : 'A customer was charged twice.',
      },
    }));
    const result = await run('batch-recorded-calls.mjs');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^batch batch_\w+: 2 calls\ncall-1\.mp3: Maria moves her appointment\.\ncall-2\.ogg: A customer was charged twice\.\n$/,
    );
    // The mp3 call passes through; the Ogg/Opus call is decoded and sent as WAV (OpenAI takes wav and mp3).
    const formats = upstream.requests.map((request) => inputAudioOf(request.body)?.format).sort();
    expect(formats).toEqual(['mp3', 'wav']);
  });

  it('server-tool.mjs registers, fills and enables a search tool; the gateway runs it for the model', async () => {
    const { upstream, gateway, tenantId } = env();
    const answer = 'On Sundays the museum opens at 11:00.';
    const adminEnv = { VOXGATE_ADMIN_KEY: gateway.adminKey, VOXGATE_TENANT_ID: tenantId };
    for (const attempt of ['registers', 'replaces']) {
      upstream.clear(); // also forgets the responder
      upstream.respondWith((body) =>
        toolMessages(body as Parameters<typeof toolMessages>[0]).length > 0
          ? { kind: 'completion', message: { content: answer } }
          : { kind: 'toolCalls', calls: [{ name: 'museum_faq', arguments: { query: 'Sunday opening hours' } }] },
      );
      const result = await run('server-tool.mjs', [], adminEnv);
      expect({ attempt, ...result }).toEqual({
        attempt,
        code: 0,
        stdout: `${answer}\ntool museum_faq: ok\n`,
        stderr: '',
      });
      const [first, second] = sentRequests(upstream);
      expect(first?.tools?.map((tool) => tool.function.name)).toEqual(['museum_faq']);
      expect(JSON.stringify(toolMessages(second)[0]?.content)).toContain('from 11:00');
    }
  });
});
