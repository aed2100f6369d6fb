/**
 * A test double implementing the `ProviderAdapter` contract (STYLE.md §10), so the pipeline is tested
 * without HTTP. It records what it was asked and answers from a script.
 */
import type { ChatCompletionChunk, ChatCompletionRequest, ChatCompletionResponse } from '@voxgate/openai-wire';
import type {
  ProviderAdapter,
  ProviderCallContext,
  ProviderCapabilities,
  ProviderResult,
  ProviderStream,
} from '@voxgate/providers';
import { upstreamOf } from './chunks.factory';

export interface FakeProviderScript {
  readonly response?: ChatCompletionResponse;
  readonly chunks?: readonly ChatCompletionChunk[];
  readonly upstreamRequestId?: string | null;
}

export const OPENAI_CAPABILITIES: ProviderCapabilities = {
  inputAudioFormats: ['wav', 'mp3'],
  streamingAudioFormats: ['pcm16'],
};

export class FakeProvider implements ProviderAdapter {
  readonly calls: {
    readonly request: ChatCompletionRequest;
    readonly context: ProviderCallContext;
    readonly stream: boolean;
  }[] = [];

  constructor(
    readonly id: string,
    private readonly script: FakeProviderScript = {},
    readonly capabilities: ProviderCapabilities = OPENAI_CAPABILITIES,
  ) {}

  chatCompletion(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ProviderResult<ChatCompletionResponse>> {
    this.calls.push({ request, context, stream: false });
    if (!this.script.response) return Promise.reject(new Error(`${this.id}: no response scripted`));
    return Promise.resolve({
      body: structuredClone(this.script.response),
      upstreamRequestId: this.script.upstreamRequestId ?? null,
    });
  }

  streamChatCompletion(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ProviderStream> {
    this.calls.push({ request, context, stream: true });
    const chunks = (this.script.chunks ?? []).map((item) => structuredClone(item));
    return Promise.resolve({ chunks: upstreamOf(chunks), upstreamRequestId: this.script.upstreamRequestId ?? null });
  }
}

export function completion(overrides: Partial<ChatCompletionResponse> = {}): ChatCompletionResponse {
  return {
    id: 'chatcmpl-json-1',
    object: 'chat.completion',
    created: 1729231143,
    model: 'audio-deployment-eu',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          audio: { id: 'audio_6711f92b', data: 'UklGRsZr', expires_at: 1729234747, transcript: 'Hello!' },
        },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 17, completion_tokens: 181, total_tokens: 198 },
    ...overrides,
  };
}
