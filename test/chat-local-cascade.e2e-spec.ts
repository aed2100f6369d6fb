import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { APIError } from 'openai';
import { wordErrorRate } from '@voxgate/local-voice';
import { FakeUpstream, readSpeechClip, writeTinyLlamaGguf } from '@voxgate/testing';
import { ffmpegSeconds, OUTPUT_DECODING } from './support/decode';
import { validator } from './support/e2e-env';
import { GatewayProcess } from './support/gateway-process';
import { describeWithEngines } from './support/local-engines';
import { UPSTREAM_KEY } from './support/relay-config';

// Chat completions on `type: local`: the vendored speech clip in, pocketsphinx, the fake upstream as the
// text model (it validates every request against the spec), flite out, decoded by ffmpeg.

const JFK =
  'And so, my fellow Americans: ask not what your country can do for you; ask what you can do for your country.';
const ANSWER =
  'You should ask what you can do. That is the whole point of the speech. It was given in 1961, by J. F. Kennedy.';
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type DeltaAudio = { id?: string; data?: string; transcript?: string; expires_at?: number };
type SentMessage = { role: string; content?: unknown; tool_calls?: unknown[] };
type SentBody = { model: string; stream: boolean; messages: SentMessage[]; audio?: unknown; modalities?: unknown };

const audioOf = (chunk: Chunk): DeltaAudio | undefined =>
  (chunk.choices[0]?.delta as { audio?: DeltaAudio } | undefined)?.audio;

function toMp3(wav: Buffer): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 'mp3', '-b:a', '64k', 'pipe:1'], {
    input: wav,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The text of the user messages the text model received (audio must have become text). */
function userText(body: SentBody): string {
  return body.messages
    .filter((message) => message.role === 'user')
    .flatMap((message) =>
      typeof message.content === 'string'
        ? [message.content]
        : (message.content as { type: string; text?: string }[]).map((part) => {
            expect(part.type).toBe('text');
            return part.text ?? '';
          }),
    )
    .join(' ');
}

describeWithEngines('chat completions on type: local (the cascade)', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let client: OpenAI;
  let tenantId: string;
  // A random-weight llama GGUF generated for the in-process text model (node-llama-cpp): plumbing, not prose.
  const ggufDir = mkdtempSync(join(tmpdir(), 'voxgate-gguf-'));
  const textModel = () => ({
    type: 'openai-compatible',
    baseURL: upstream.baseUrl,
    apiKey: UPSTREAM_KEY,
    model: 'llama-3.2-1b',
  });

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({
      config: {
        // One local provider: espeak-ng keeps process-wide state, and two local providers probing their
        // engines at once in two worker threads crash it (docs/local-voice.md). Text models are per model.
        providers: {
          openai: { type: 'openai', baseUrl: upstream.baseUrl, apiKey: UPSTREAM_KEY, maxRetries: 0 },
          local: { type: 'local' },
        },
        models: [
          { id: 'local-chat', provider: 'local', textModel: textModel() },
          {
            id: 'local-via-provider',
            provider: 'local',
            textModel: { type: 'provider', provider: 'openai', model: 'gpt-4.1-mini' },
          },
          { id: 'bare-chat', provider: 'local' },
          {
            id: 'gguf-chat',
            provider: 'local',
            textModel: { type: 'gguf', path: writeTinyLlamaGguf(join(ggufDir, 'tiny.gguf')), contextSize: 1024 },
          },
          {
            id: 'down-chat',
            provider: 'local',
            textModel: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'gone' },
          },
        ],
        tools: { ssrfAllowList: ['127.0.0.0/8'] },
      },
    });
    const created = await gateway.createTenantKey('cascade');
    tenantId = created.tenantId;
    // The engines load on first use and this machine is shared: generous timeouts, no retries.
    client = new OpenAI({ apiKey: created.key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 120_000 });
  }, 60_000);
  afterEach(() => {
    upstream.assertNoViolations();
    upstream.clear();
    upstream.chunkDelayMs = 0;
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
    rmSync(ggufDir, { recursive: true, force: true });
  });

  it('says at boot which local models serve chat and which need a text model', () => {
    expect(gateway.output).toMatch(
      /local chat completions[^\n]*"provider":"local"[^\n]*"textModel":"openai-compatible: llama-3.2-1b/,
    );
    expect(gateway.output).toMatch(
      /no text model[^\n]*"provider":"local","models":\["bare-chat"\][^\n]*providers\.local\.textModel/,
    );
  });

  it('answers a spoken question (mp3) with speech: transcript, wav decoded by ffmpeg, real usage', async () => {
    upstream.enqueue({
      kind: 'completion',
      message: { content: ANSWER },
      usage: { prompt_tokens: 42, completion_tokens: 27, total_tokens: 69 },
    });
    const completion = await client.chat.completions.create({
      model: 'local-chat',
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'wav' },
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        {
          role: 'user',
          content: [
            {
              type: 'input_audio',
              input_audio: { data: toMp3(readSpeechClip('jfk.wav')).toString('base64'), format: 'mp3' },
            },
          ],
        },
      ],
    });

    // The text model got text: the clip's transcript, no audio, no audio options.
    const sent = upstream.requests[0]!.body as SentBody;
    expect(sent.model).toBe('llama-3.2-1b');
    expect(sent.stream).toBe(true);
    expect(sent.audio).toBeUndefined();
    expect(sent.modalities).toBeUndefined();
    expect(wordErrorRate([{ reference: JFK, hypothesis: userText(sent) }])).toBeLessThan(0.35);

    const message = completion.choices[0]!.message;
    expect(message.content).toBeNull();
    expect(message.audio?.transcript).toBe(ANSWER);
    expect(message.audio?.id).toEqual(expect.any(String));
    expect(message.audio?.expires_at).toBeGreaterThan(Date.now() / 1000);
    const seconds = ffmpegSeconds(Buffer.from(message.audio!.data, 'base64'), 'wav');
    // Three sentences of flite slt: several seconds.
    expect(seconds).toBeGreaterThan(4);
    expect(seconds).toBeLessThan(15);

    type Details = { audio_tokens?: number; text_tokens?: number };
    const usage = completion.usage! as OpenAI.CompletionUsage & {
      prompt_tokens_details?: Details;
      completion_tokens_details?: Details;
    };
    expect(usage.prompt_tokens_details?.text_tokens).toBe(42);
    expect(usage.completion_tokens_details?.text_tokens).toBe(27);
    // 10 tokens per second of the 11 s clip (mp3 adds encoder padding); 20 per second of speech produced.
    const heard = usage.prompt_tokens_details!.audio_tokens!;
    expect(heard).toBeGreaterThanOrEqual(110);
    expect(heard).toBeLessThanOrEqual(112);
    expect(Math.abs(usage.completion_tokens_details!.audio_tokens! - seconds * 20)).toBeLessThanOrEqual(2);
    expect(usage.prompt_tokens).toBe(42 + heard);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  }, 120_000);

  it('streams: the first audio leaves before the text model sent its last token', async () => {
    upstream.chunkDelayMs = 60; // one word every 60 ms, as a small local model
    upstream.enqueue({ kind: 'completion', message: { content: ANSWER } });
    const stream = await client.chat.completions.create({
      model: 'local-chat',
      stream: true,
      stream_options: { include_usage: true },
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'pcm16' },
      messages: [{ role: 'user', content: 'Why is the speech famous?' }],
    });
    const chunks: Chunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const firstData = chunks.findIndex((chunk) => audioOf(chunk)?.data !== undefined);
    const transcripts = chunks.flatMap((chunk, index) => (audioOf(chunk)?.transcript !== undefined ? [index] : []));
    expect(firstData).toBeGreaterThan(-1);
    // Each transcript delta is one token of the text model, relayed as it came: audio interleaves with them.
    expect(firstData).toBeLessThan(transcripts.at(-1)!);
    expect(transcripts.length).toBeGreaterThan(10);

    const audio = chunks.flatMap((chunk) => (audioOf(chunk) ? [audioOf(chunk)!] : []));
    expect(audio.map((part) => part.transcript ?? '').join('')).toBe(ANSWER);
    expect(new Set(audio.flatMap((part) => (part.id ? [part.id] : []))).size).toBe(1);
    expect(audio.filter((part) => part.expires_at !== undefined)).toHaveLength(1);
    const pcm = Buffer.concat(audio.map((part) => Buffer.from(part.data ?? '', 'base64')));
    expect(ffmpegSeconds(pcm, 'raw', OUTPUT_DECODING.pcm16!.inputArgs)).toBeGreaterThan(4);
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual([
      'stop',
    ]);
    expect(chunks.at(-1)?.usage?.completion_tokens_details?.audio_tokens).toBeGreaterThan(80);
  }, 120_000);

  it('streams text only when no audio is asked, through a text model that is another provider', async () => {
    upstream.enqueue({ kind: 'completion', message: { content: 'Plain text. Nothing spoken.' } });
    const stream = await client.chat.completions.create({
      model: 'local-via-provider',
      stream: true,
      messages: [{ role: 'user', content: 'Say something.' }],
    });
    let text = '';
    for await (const chunk of stream) {
      expect(audioOf(chunk)).toBeUndefined();
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Plain text. Nothing spoken.');
    expect((upstream.requests[0]!.body as SentBody).model).toBe('gpt-4.1-mini');
  }, 60_000);

  it('runs a server tool the text model calls, and speaks both rounds into one mp3', async () => {
    const register = async (tool: Record<string, unknown>) => {
      expect((await gateway.admin('POST', '/admin/tools', tool)).status).toBe(201);
      expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/${String(tool['name'])}`)).status).toBe(200);
    };
    await register({ name: 'kb', implementation: { type: 'builtin', module: 'search' } });
    const documents = await gateway.admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
      documents: [{ id: 'hours', title: 'Opening hours', text: 'The restaurant opens at 7 pm.' }],
    });
    expect(documents.status).toBe(201);
    upstream.enqueue(
      {
        kind: 'toolCalls',
        say: 'Let me check.',
        calls: [{ name: 'kb', arguments: { query: 'opening hours' }, id: 'call_kb' }],
      },
      { kind: 'completion', message: { content: 'We open at seven tonight.' } },
    );
    const stream = await client.chat.completions.create({
      model: 'local-chat',
      stream: true,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'mp3' },
      messages: [{ role: 'user', content: 'When do you open?' }],
    });
    const chunks: Chunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const audio = chunks.flatMap((chunk) => (audioOf(chunk) ? [audioOf(chunk)!] : []));
    expect(audio.map((part) => part.transcript ?? '').join('')).toBe(
      'Let me check.We open at seven tonight.'.replace('.We', '. We'),
    );
    expect(
      chunks.flatMap((chunk) => (chunk as { voxgate?: { tool_runs?: unknown[] } }).voxgate?.tool_runs ?? []),
    ).toEqual([{ name: 'kb', status: 'ok', replayed: false }]);
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls)).toBe(false);
    const second = upstream.requests[1]!.body as SentBody;
    expect(second.messages.find((message) => message.role === 'tool')?.content).toEqual(
      expect.stringContaining('7 pm'),
    );
    const mp3 = Buffer.concat(audio.map((part) => Buffer.from(part.data ?? '', 'base64')));
    expect(ffmpegSeconds(mp3, 'mp3')).toBeGreaterThan(2);
  }, 120_000);

  it('runs a server tool without streaming too, and answers one wav of both rounds', async () => {
    // `kb` was registered by the previous test when it ran; register it here if this one runs alone.
    await gateway.admin('POST', '/admin/tools', { name: 'kb', implementation: { type: 'builtin', module: 'search' } });
    await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/kb`);
    upstream.enqueue(
      { kind: 'toolCalls', say: 'One moment.', calls: [{ name: 'kb', arguments: { query: 'hours' }, id: 'call_b' }] },
      { kind: 'completion', message: { content: 'We open at seven.' } },
    );
    const completion = await client.chat.completions.create({
      model: 'local-chat',
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'wav' },
      messages: [{ role: 'user', content: 'When do you open?' }],
    });
    const audio = completion.choices[0]!.message.audio!;
    expect(audio.transcript).toContain('We open at seven.');
    expect(upstream.requests).toHaveLength(2);
    expect((upstream.requests[1]!.body as SentBody).messages.some((message) => message.role === 'tool')).toBe(true);
    expect(ffmpegSeconds(Buffer.from(audio.data, 'base64'), 'wav')).toBeGreaterThan(1);
  }, 120_000);

  it('answers 503 text_model_not_configured, not retried, when the local provider has no text model', async () => {
    const error = await client.chat.completions
      .create({ model: 'bare-chat', messages: [{ role: 'user', content: 'Hello?' }] })
      .then(
        () => {
          throw new Error('expected an error');
        },
        (caught: unknown) => caught as APIError,
      );
    expect(error.status).toBe(503);
    expect(error.code).toBe('text_model_not_configured');
    expect(error.message).toContain('providers.local.textModel');
    expect(error.headers?.get('x-should-retry')).toBe('false');
  });

  it('answers 502 when the text model is down, and an unknown voice is a 400', async () => {
    const down = await client.chat.completions
      .create({ model: 'down-chat', messages: [{ role: 'user', content: 'Hello?' }] })
      .then(
        () => {
          throw new Error('expected an error');
        },
        (caught: unknown) => caught as APIError,
      );
    expect(down.status).toBe(502);
    expect(down.message).toContain("'local/text-model'");
    expect(down.message).not.toContain('127.0.0.1:9');
    const voice = await client.chat.completions
      .create({
        model: 'local-chat',
        modalities: ['text', 'audio'],
        audio: { voice: 'no-such-voice', format: 'wav' },
        messages: [{ role: 'user', content: 'Hello?' }],
      })
      .then(
        () => {
          throw new Error('expected an error');
        },
        (caught: unknown) => caught as APIError,
      );
    expect(voice.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });
  it('runs an in-process GGUF text model: spoken question in, streamed speech out, its own token counts', async () => {
    const stream = await client.chat.completions.create({
      model: 'gguf-chat',
      stream: true,
      stream_options: { include_usage: true },
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'pcm16' },
      max_completion_tokens: 24,
      seed: 7,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: readSpeechClip('jfk.wav').toString('base64'), format: 'wav' } },
          ],
        },
      ],
    });
    const chunks: Chunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const audio = chunks.flatMap((chunk) => (audioOf(chunk) ? [audioOf(chunk)!] : []));
    const transcript = audio.map((part) => part.transcript ?? '').join('');
    expect(transcript.trim().length).toBeGreaterThan(0);
    const pcm = Buffer.concat(audio.map((part) => Buffer.from(part.data ?? '', 'base64')));
    expect(ffmpegSeconds(pcm, 'raw', OUTPUT_DECODING.pcm16!.inputArgs)).toBeGreaterThan(0.2);
    type Details = { audio_tokens?: number; text_tokens?: number };
    const usage = chunks.at(-1)!.usage! as OpenAI.CompletionUsage & {
      prompt_tokens_details?: Details;
      completion_tokens_details?: Details;
    };
    // Counted by the model's tokenizer: the transcribed clip is tens of tokens; at most the 24 asked for out.
    expect(usage.prompt_tokens_details?.text_tokens).toBeGreaterThan(10);
    expect(usage.completion_tokens_details?.text_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens_details?.text_tokens).toBeLessThanOrEqual(24);
  }, 180_000);

  it('a GGUF model forced to call a tool gives arguments that parse as JSON', async () => {
    const completion = await client.chat.completions.create({
      model: 'gguf-chat',
      // A random model writes strings until their bound: the schema bounds them, the budget leaves room.
      max_completion_tokens: 400,
      seed: 1,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string', maxLength: 16 }, days: { type: 'integer' } },
              required: ['city', 'days'],
              additionalProperties: false,
            },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = completion.choices[0]!.message.tool_calls?.[0];
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    const args = JSON.parse((call as { function: { arguments: string } }).function.arguments) as Record<
      string,
      unknown
    >;
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days)).toBe(true);
  }, 180_000);
});
