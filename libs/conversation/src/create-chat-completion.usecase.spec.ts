import { type ChatCompletionRequest, GatewayError } from '@voxgate/openai-wire';
import { ProviderRegistry, ProviderRouter } from '@voxgate/providers';
import { audioStream, chunk, USAGE } from './__fixtures__/chunks.factory';
import { completion, FakeProvider, type FakeProviderScript } from './__fixtures__/fake-provider';
import { ALIAS, modelConfig, SNAPSHOT } from './__fixtures__/models.factory';
import { CreateChatCompletion, type CreateChatCompletionResult } from './create-chat-completion.usecase';
import { ModelCatalog } from './model-catalog';
import type { RelayEvent } from './stream-relay';

const catalog = new ModelCatalog([
  modelConfig({ upstreamModel: 'audio-deployment-eu' }),
  modelConfig({ id: 'gpt-4o-mini-audio-preview-2024-12-17', aliases: [], provider: 'azure' }),
]);

const USAGE_OF_COMPLETION = { prompt_tokens: 17, completion_tokens: 181, total_tokens: 198 };

function setup(script: FakeProviderScript) {
  const openai = new FakeProvider('openai', script);
  const azure = new FakeProvider('azure', script);
  const usecase = new CreateChatCompletion(catalog, new ProviderRouter(new ProviderRegistry([openai, azure])));
  return { usecase, openai, azure };
}

function request(overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return {
    model: ALIAS,
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'wav' },
    messages: [{ role: 'user', content: 'Say hi.' }],
    ...overrides,
  };
}

const streaming = (overrides: Partial<ChatCompletionRequest> = {}) =>
  request({ stream: true, audio: { voice: 'alloy', format: 'pcm16' }, ...overrides });

async function streamEvents(result: CreateChatCompletionResult): Promise<RelayEvent[]> {
  if (result.kind !== 'stream') throw new Error('expected a stream result');
  const events: RelayEvent[] = [];
  for await (const event of result.events) events.push(event);
  return events;
}

const chunksOf = (events: readonly RelayEvent[]) =>
  events.flatMap((event) => (event.type === 'chunk' ? [event.chunk] : []));

describe('CreateChatCompletion: JSON answers', () => {
  it('sends the upstream model name and answers with the snapshot as model', async () => {
    const { usecase, openai } = setup({ response: completion(), upstreamRequestId: 'req_up_1' });
    const signal = new AbortController().signal;
    const result = await usecase.execute({ request: request({ temperature: 0.8 }), requestId: 'req_gw_1', signal });

    expect(openai.calls).toHaveLength(1);
    expect(openai.calls[0]).toEqual({
      request: { ...request({ temperature: 0.8 }), model: 'audio-deployment-eu' },
      context: { requestId: 'req_gw_1', signal },
      stream: false,
    });
    expect(result).toEqual({
      kind: 'json',
      route: {
        model: SNAPSHOT,
        provider: 'openai',
        upstreamModel: 'audio-deployment-eu',
        upstreamRequestId: 'req_up_1',
      },
      body: { ...completion(), model: SNAPSHOT },
      usage: USAGE_OF_COMPLETION,
      audioIds: [],
      audio: { speed: 1, outputSeconds: null },
      toolRuns: [],
      toolMessages: [],
    });
  });

  it('routes to the provider the model is configured on', async () => {
    const { usecase, openai, azure } = setup({ response: completion() });
    const result = await usecase.execute({
      request: request({ model: 'gpt-4o-mini-audio-preview-2024-12-17' }),
      requestId: 'r',
      signal: new AbortController().signal,
    });
    expect(openai.calls).toHaveLength(0);
    expect(azure.calls[0]?.request.model).toBe('gpt-4o-mini-audio-preview-2024-12-17');
    expect(result.route).toEqual({
      model: 'gpt-4o-mini-audio-preview-2024-12-17',
      provider: 'azure',
      upstreamModel: 'gpt-4o-mini-audio-preview-2024-12-17',
      upstreamRequestId: null,
    });
  });

  it('reports null usage when the provider sent none', async () => {
    const { usecase } = setup({ response: completion({ usage: undefined }) });
    const result = await usecase.execute({ request: request(), requestId: 'r', signal: new AbortController().signal });
    expect(result.kind === 'json' ? result.usage : 'not json').toBeNull();
  });

  it('fails with 404 model_not_found before calling any provider', async () => {
    const { usecase, openai, azure } = setup({ response: completion() });
    const error: unknown = await usecase
      .execute({ request: request({ model: 'gpt-5-audio' }), requestId: 'r', signal: new AbortController().signal })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect(openai.calls.length + azure.calls.length).toBe(0);
  });

  it('fails with the audio-rule 400 before calling the provider', async () => {
    const { usecase, openai } = setup({ chunks: audioStream() });
    const execution = usecase.execute({
      request: streaming({ modalities: ['text'], audio: undefined, speed: 2 }),
      requestId: 'r',
      signal: new AbortController().signal,
    });
    await expect(execution).rejects.toMatchObject({ status: 400, param: 'speed' });
    expect(openai.calls).toHaveLength(0);
  });
});

describe('CreateChatCompletion: streams', () => {
  it('always asks the provider for usage and sends the upstream model name', async () => {
    const { usecase, openai } = setup({ chunks: audioStream() });
    const client = streaming();
    await usecase.execute({ request: client, requestId: 'r', signal: new AbortController().signal });

    expect(openai.calls[0]?.stream).toBe(true);
    expect(openai.calls[0]?.request).toEqual({
      ...client,
      model: 'audio-deployment-eu',
      stream_options: { include_usage: true },
    });
    expect(client.stream_options).toBeUndefined();
    expect(client.model).toBe(ALIAS);
  });

  it('forces include_usage upstream over the client’s false and keeps its other stream options', async () => {
    const { usecase, openai } = setup({ chunks: audioStream() });
    const client = streaming({ stream_options: { include_usage: false, include_obfuscation: false } });
    await usecase.execute({ request: client, requestId: 'r', signal: new AbortController().signal });
    expect(openai.calls[0]?.request.stream_options).toEqual({ include_usage: true, include_obfuscation: false });
  });

  it('does not forward usage to a client that did not ask, but records it in the summary', async () => {
    const { usecase } = setup({ chunks: audioStream(), upstreamRequestId: 'req_up_s' });
    const result = await usecase.execute({
      request: streaming(),
      requestId: 'r',
      signal: new AbortController().signal,
    });
    const chunks = chunksOf(await streamEvents(result));

    expect(result.route).toEqual({
      model: SNAPSHOT,
      provider: 'openai',
      upstreamModel: 'audio-deployment-eu',
      upstreamRequestId: 'req_up_s',
    });
    // + 1: the relayed audio's re-cut remainder goes out as its own delta, before expires_at.
    expect(chunks).toHaveLength(6 + 1);
    expect(chunks.filter((item) => 'usage' in item)).toEqual([]);
    expect(chunks.every((item) => item.model === SNAPSHOT)).toBe(true);
    expect(result.kind === 'stream' ? result.summary : null).toMatchObject({
      usage: USAGE,
      completed: true,
      error: null,
    });
  });

  it('forwards the usage chunk last to a client that asked for it', async () => {
    const { usecase } = setup({ chunks: audioStream() });
    const result = await usecase.execute({
      request: streaming({ stream_options: { include_usage: true } }),
      requestId: 'r',
      signal: new AbortController().signal,
    });
    const chunks = chunksOf(await streamEvents(result));
    expect(chunks).toHaveLength(7 + 1); // + the relayed audio's re-cut remainder
    expect(chunks.at(-1)).toMatchObject({ model: SNAPSHOT, choices: [], usage: USAGE });
    expect(chunks.at(-2)?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(chunks.slice(0, -1).every((item) => item.usage === null)).toBe(true);
  });

  it('streams a text answer for a text-only request', async () => {
    const { usecase } = setup({
      chunks: [chunk({ role: 'assistant', content: 'Hi' }), chunk({}, { finishReason: 'stop' })],
    });
    const result = await usecase.execute({
      request: request({ stream: true, modalities: ['text'], audio: undefined }),
      requestId: 'r',
      signal: new AbortController().signal,
    });
    expect(chunksOf(await streamEvents(result)).map((item) => item.choices[0]?.finish_reason)).toEqual([null, 'stop']);
  });
});

describe('CreateChatCompletion: an admission decided during the provider call (`admitted`)', () => {
  /** An admission the test decides, and whether `execute` has settled yet. */
  function pending() {
    let decide!: { grant: () => void; refuse: (error: unknown) => void };
    const admitted = new Promise<void>((resolve, reject) => {
      decide = { grant: resolve, refuse: reject };
    });
    return { admitted, decide };
  }
  const settledYet = async (promise: Promise<unknown>) => {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; i < 20; i++) await Promise.resolve();
    return settled;
  };

  it.each([
    ['JSON', { response: completion() }, request()],
    ['stream', { chunks: audioStream() }, streaming()],
  ] as const)('%s: calls the provider at once and answers only once admitted', async (_kind, script, client) => {
    const { usecase, openai } = setup(script);
    const { admitted, decide } = pending();
    const running = usecase.execute({
      request: client,
      requestId: 'r',
      signal: new AbortController().signal,
      admitted,
    });
    expect(await settledYet(running)).toBe(false);
    expect(openai.calls).toHaveLength(1);
    decide.grant();
    await expect(running).resolves.toMatchObject({ kind: client.stream ? 'stream' : 'json' });
  });

  it.each([
    ['JSON', { response: completion() }, request()],
    ['stream', { chunks: audioStream() }, streaming()],
  ] as const)(
    '%s: a refused admission is what it throws, with no answer handed over',
    async (_kind, script, client) => {
      const { usecase } = setup(script);
      const { admitted, decide } = pending();
      const refusal = new GatewayError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached');
      const running = usecase.execute({
        request: client,
        requestId: 'r',
        signal: new AbortController().signal,
        admitted,
      });
      decide.refuse(refusal);
      await expect(running).rejects.toBe(refusal);
    },
  );
});
