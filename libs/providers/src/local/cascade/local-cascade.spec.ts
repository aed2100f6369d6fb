import { LocalVoiceError, type PcmChunk, type SynthesizeRequest } from '@voxgate/local-voice';
import { type ChatCompletionChunk, type ChatCompletionRequest, GatewayError } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '../../upstream-stream-error';
import type { LocalEngines } from '../local-speech';
import type { LocalTextModel } from '../text-model';
import { LocalCascade } from './local-cascade';

// The cascade with stand-ins for the engines (no Debian libraries needed) and a scripted text model.

/** 0.5 s of 24 kHz pcm16 per sentence; `.` alone is refused as the real engine does (the voice probe). */
function engines(spoken: string[] = []): LocalEngines {
  return {
    synthesize: async function* (request: SynthesizeRequest): AsyncGenerator<PcmChunk, void, undefined> {
      await Promise.resolve();
      if (request.voice === 'nobody') throw new LocalVoiceError('unknown_voice', `unknown voice '${request.voice}'`);
      if (!/\w/.test(request.text)) throw new LocalVoiceError('invalid_argument', 'text has nothing to speak');
      spoken.push(request.text);
      yield { samples: new Int16Array(12_000), sampleRate: 24_000, text: request.text, index: 0, appliedSpeed: 1 };
    },
    transcribe: () => Promise.reject(new Error('not used')),
  };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk => ({
  id: 'chatcmpl-tm',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'tm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

/** A text model that yields `tokens` (each after a macrotask, as a network stream would), then finishes. */
function textModel(tokens: string[], options: { failAfter?: number; seen?: AbortSignal[] } = {}): LocalTextModel {
  return {
    async *stream(_request, signal) {
      options.seen?.push(signal);
      yield chunk({ role: 'assistant', content: '' });
      for (const [index, token] of tokens.entries()) {
        if (index === options.failAfter)
          throw new UpstreamStreamError({
            message: 'boom',
            type: 'upstream_error',
            param: null,
            code: 'upstream_error',
          });
        await new Promise((resolve) => setImmediate(resolve));
        yield chunk({ content: token });
      }
      yield chunk({}, 'stop');
      yield {
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 11, completion_tokens: tokens.length, total_tokens: 11 + tokens.length },
      };
    },
  };
}

const AUDIO_REQUEST: ChatCompletionRequest = {
  model: 'm',
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'pcm16' },
  messages: [{ role: 'user', content: 'Hi' }],
};
const context = () => ({ requestId: 'req', signal: new AbortController().signal });

async function collect(iterable: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const item of iterable) chunks.push(item);
  return chunks;
}

const TOKENS = ['Hello', ' there.', ' This', ' is', ' a', ' test.', ' Bye', ' now'];

describe('LocalCascade', () => {
  it('speaks each sentence while the text model goes on, then ends with expires_at, finish and usage', async () => {
    const spoken: string[] = [];
    const cascade = new LocalCascade(
      'local',
      engines(spoken),
      () => textModel(TOKENS),
      () => 1_000_000,
    );
    const chunks = await collect((await cascade.stream(AUDIO_REQUEST, context())).chunks);
    const deltas = chunks.map((item) => item.choices[0]?.delta);
    const transcripts = deltas.flatMap((delta, index) => (delta?.audio?.transcript !== undefined ? [index] : []));
    const data = deltas.flatMap((delta, index) => (delta?.audio?.data !== undefined ? [index] : []));
    expect(spoken).toEqual(['Hello there.', 'This is a test.', 'Bye now']);
    expect(data[0]).toBeLessThan(transcripts.at(-1)!);
    expect(deltas.map((delta) => delta?.audio?.transcript ?? '').join('')).toBe(TOKENS.join(''));
    expect(deltas[1]).toMatchObject({ content: null, audio: { id: expect.stringMatching(/^audio_/) } });
    expect(deltas.filter((delta) => delta?.content)).toEqual([]);
    // The end: expires_at, then the finish, then usage (3 × 0.5 s spoken, nothing heard).
    expect(chunks.at(-3)?.choices[0]?.delta.audio?.expires_at).toBe(1_000 + 3_600);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 11,
      completion_tokens: TOKENS.length + 30,
      prompt_tokens_details: { audio_tokens: 0, text_tokens: 11 },
      completion_tokens_details: { audio_tokens: 30, text_tokens: TOKENS.length },
    });
  });

  it('relays text as content and speaks nothing without audio modalities', async () => {
    const spoken: string[] = [];
    const cascade = new LocalCascade('local', engines(spoken), () => textModel(TOKENS));
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };
    const chunks = await collect((await cascade.stream(request, context())).chunks);
    expect(chunks.map((item) => item.choices[0]?.delta.content ?? '').join('')).toBe(TOKENS.join(''));
    expect(chunks.some((item) => item.choices[0]?.delta.audio)).toBe(false);
    expect(spoken).toEqual([]);
  });

  it('refuses before any work: no text model (503, not retried), an unknown voice (400)', async () => {
    const none = new LocalCascade('local', engines(), () => null);
    await expect(none.stream(AUDIO_REQUEST, context())).rejects.toMatchObject({
      status: 503,
      code: 'text_model_not_configured',
      headers: { 'x-should-retry': 'false' },
    });
    const seen: AbortSignal[] = [];
    const cascade = new LocalCascade('local', engines(), () => textModel(TOKENS, { seen }));
    const request = { ...AUDIO_REQUEST, audio: { voice: 'nobody', format: 'pcm16' as const } };
    await expect(cascade.stream(request, context())).rejects.toMatchObject({ status: 400, param: 'voice' });
    expect(seen).toEqual([]);
  });

  it("passes the text model's error before its first chunk as it is", async () => {
    const down = Errors502();
    const failing: LocalTextModel = {
      // eslint-disable-next-line require-yield
      async *stream() {
        await Promise.resolve();
        throw down;
      },
    };
    const cascade = new LocalCascade('local', engines(), () => failing);
    await expect(cascade.stream(AUDIO_REQUEST, context())).rejects.toBe(down);
  });

  it('ends the stream with an UpstreamStreamError when the text model fails mid-answer', async () => {
    const cascade = new LocalCascade('local', engines(), () => textModel(TOKENS, { failAfter: 4 }));
    const started = await cascade.stream(AUDIO_REQUEST, context());
    await expect(collect(started.chunks)).rejects.toBeInstanceOf(UpstreamStreamError);
  });

  it('stops the text model when the consumer stops reading', async () => {
    const seen: AbortSignal[] = [];
    const cascade = new LocalCascade('local', engines(), () => textModel(TOKENS, { seen }));
    const started = await cascade.stream(AUDIO_REQUEST, context());
    for await (const _item of started.chunks) break;
    expect(seen[0]?.aborted).toBe(true);
  });
});

function Errors502(): GatewayError {
  return new GatewayError(502, 'upstream_error', 'upstream_error', "The provider 'local/text-model' failed: down");
}
