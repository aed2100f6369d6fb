import type { ChatCompletionRequest } from '@voxgate/openai-wire';
import { ProviderRegistry, ProviderRouter } from '@voxgate/providers';
import { audioStream, USAGE } from './__fixtures__/chunks.factory';
import { completion, FakeProvider } from './__fixtures__/fake-provider';
import { ALIAS, modelConfig } from './__fixtures__/models.factory';
import { CreateChatCompletion } from './create-chat-completion.usecase';
import { ModelCatalog } from './model-catalog';
import type { UpstreamCallInfo, UpstreamCallObserver, UpstreamCallOutcome } from './upstream-call-observer';

class RecordingObserver implements UpstreamCallObserver {
  readonly calls: { call: UpstreamCallInfo; outcome?: UpstreamCallOutcome }[] = [];
  upstreamCall(call: UpstreamCallInfo) {
    const entry: { call: UpstreamCallInfo; outcome?: UpstreamCallOutcome } = { call };
    this.calls.push(entry);
    return (outcome: UpstreamCallOutcome) => {
      entry.outcome = outcome;
    };
  }
}

const catalog = new ModelCatalog([modelConfig({ upstreamModel: 'audio-deployment-eu' })]);
const signal = new AbortController().signal;
const request = (overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: ALIAS,
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'wav' },
  messages: [{ role: 'user', content: 'Say hi.' }],
  ...overrides,
});

function setup(provider: FakeProvider) {
  const observer = new RecordingObserver();
  const usecase = new CreateChatCompletion(
    catalog,
    new ProviderRouter(new ProviderRegistry([provider])),
    undefined,
    undefined,
    observer,
  );
  return { usecase, observer };
}

describe('CreateChatCompletion: upstream call observer', () => {
  it('reports a JSON call with the upstream model, request id and usage', async () => {
    const { usecase, observer } = setup(
      new FakeProvider('openai', { response: completion(), upstreamRequestId: 'req_up_1' }),
    );
    await usecase.execute({ request: request(), requestId: 'r', signal });
    expect(observer.calls).toEqual([
      {
        call: { provider: 'openai', model: 'audio-deployment-eu', stream: false },
        outcome: {
          outcome: 'ok',
          upstreamRequestId: 'req_up_1',
          usage: { prompt_tokens: 17, completion_tokens: 181, total_tokens: 198 },
        },
      },
    ]);
  });

  it('reports a failed call with its error', async () => {
    const { usecase, observer } = setup(new FakeProvider('openai', {}));
    await expect(usecase.execute({ request: request(), requestId: 'r', signal })).rejects.toThrow('no response');
    expect(observer.calls[0]?.outcome?.outcome).toBe('error');
    expect(observer.calls[0]?.outcome?.error).toBeInstanceOf(Error);
  });

  it('ends a stream call only once its chunks were consumed, with the usage chunk', async () => {
    const { usecase, observer } = setup(
      new FakeProvider('openai', { chunks: audioStream(), upstreamRequestId: 'req_s' }),
    );
    const result = await usecase.execute({
      request: request({ stream: true, audio: { voice: 'alloy', format: 'pcm16' } }),
      requestId: 'r',
      signal,
    });
    if (result.kind !== 'stream') throw new Error('expected a stream');
    expect(observer.calls).toHaveLength(1);
    expect(observer.calls[0]?.call).toEqual({ provider: 'openai', model: 'audio-deployment-eu', stream: true });
    expect(observer.calls[0]?.outcome).toBeUndefined();
    for await (const _event of result.events) void _event;
    expect(observer.calls[0]?.outcome).toEqual({ outcome: 'ok', upstreamRequestId: 'req_s', usage: USAGE });
  });

  it('reports a stream the consumer abandoned as cancelled', async () => {
    const { usecase, observer } = setup(new FakeProvider('openai', { chunks: audioStream() }));
    const result = await usecase.execute({
      request: request({ stream: true, audio: { voice: 'alloy', format: 'pcm16' } }),
      requestId: 'r',
      signal,
    });
    if (result.kind !== 'stream') throw new Error('expected a stream');
    for await (const _event of result.events) break;
    expect(observer.calls[0]?.outcome?.outcome).toBe('cancelled');
  });
});
