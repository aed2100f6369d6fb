import { randomUUID } from 'node:crypto';
import { OpenAIProviderConfigSchema, type TextModelConfig } from '@voxgate/config';
import { createGgufTextModel } from '@voxgate/local-llm';
import type { ChatCompletionChunk, ChatCompletionRequest } from '@voxgate/openai-wire';
import {
  defaultDeps,
  type OpenAICompatibleDeps,
  OpenAICompatibleAdapter,
} from '../../openai-compatible/openai-compatible.adapter';
import type { ProviderAdapter } from '../../provider-adapter';
import { upstreamTransport } from '../../upstream-transport';
import type { LocalTextModel } from '../text-model';

/**
 * A `LocalTextModel` served by a chat-completions adapter: the gateway's own OpenAI-compatible HTTP client,
 * so the text model gets the same streaming parser, timeouts, retries, secret redaction and error mapping
 * as any `type: openai` provider (errors before the first byte: `GatewayError` 400/502/504; later:
 * `UpstreamStreamError`). `model` replaces the request's model name.
 */
export class AdapterTextModel implements LocalTextModel {
  constructor(
    private readonly adapter: () => ProviderAdapter,
    private readonly model: string,
  ) {}

  async *stream(request: ChatCompletionRequest, signal: AbortSignal): AsyncIterable<ChatCompletionChunk> {
    const started = await this.adapter().streamChatCompletion(
      { ...request, model: this.model, stream: true },
      { requestId: randomUUID(), signal },
    );
    yield* started.chunks;
  }
}

/**
 * The text model a `textModel` config names. `providers` resolves `type: provider` entries at call time
 * (the registry is complete only after every adapter was built); `name` labels the text model in errors
 * (`<local provider id>/text-model`), never its URL or key.
 */
export function textModelFromConfig(
  name: string,
  config: TextModelConfig,
  providers: (id: string) => ProviderAdapter,
  deps?: OpenAICompatibleDeps,
): LocalTextModel {
  switch (config.type) {
    case 'openai-compatible': {
      const settings = OpenAIProviderConfigSchema.parse({
        type: 'openai',
        baseUrl: config.baseURL,
        // A local server without auth ignores the header; the adapter refuses to send none.
        apiKey: config.apiKey === '' ? 'no-key' : config.apiKey,
        timeouts: config.timeouts,
        maxRetries: config.maxRetries,
      });
      const base = deps ?? { ...defaultDeps, transport: upstreamTransport(config.timeouts.connectMs) };
      const adapter = new OpenAICompatibleAdapter(
        name,
        settings,
        { inputAudioFormats: [], streamingAudioFormats: [] },
        { ...base, retry: { ...base.retry, maxRetries: config.maxRetries } },
      );
      return new AdapterTextModel(() => adapter, config.model);
    }
    case 'provider':
      return new AdapterTextModel(() => providers(config.provider), config.model);
    case 'gguf':
      // Nothing loads until the first request; a missing file is then a 503 naming `models:pull`.
      return createGgufTextModel(config);
  }
}
