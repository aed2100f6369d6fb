import type { ModelConfig, OpenAIProviderConfig, ProviderConfig } from '@voxgate/config';
import { LocalVoiceAdapter } from './local/local.adapter';
import {
  defaultDeps,
  type OpenAICompatibleDeps,
  OpenAICompatibleAdapter,
} from './openai-compatible/openai-compatible.adapter';
import type { ProviderAdapter } from './provider-adapter';
import { upstreamTransport } from './upstream-transport';

/**
 * Every configured provider, built once at boot. Adding a provider type means one `case` here and one
 * folder beside `openai-compatible/` (`local/`: the offline engines, whose worker threads start on first use).
 */
export class ProviderRegistry {
  private readonly adapters: ReadonlyMap<string, ProviderAdapter>;

  constructor(adapters: Iterable<ProviderAdapter>) {
    this.adapters = new Map([...adapters].map((adapter) => [adapter.id, adapter]));
  }

  /**
   * Builds every configured provider. Without `deps`, each provider gets its own connection pool whose
   * connections must open within its `timeouts.connectMs`; with `deps` (tests), their `transport` is used
   * as is. `onRetry` is told before every retry of a call on the same provider (metrics).
   */
  static fromConfig(
    providers: Readonly<Record<string, ProviderConfig>>,
    options: {
      readonly deps?: OpenAICompatibleDeps;
      readonly onRetry?: (provider: string) => void;
      /** The config's models: a `type: local` provider takes their `textModel`s (the chat cascade). */
      readonly models?: readonly ModelConfig[];
    } = {},
  ): ProviderRegistry {
    // A local provider's `type: provider` text model is looked up when called, once every adapter exists.
    const lookup = (id: string): ProviderAdapter => registry.get(id);
    const registry: ProviderRegistry = new ProviderRegistry(
      Object.entries(providers).map(([id, config]) => {
        if (config.type === 'local') {
          return LocalVoiceAdapter.fromConfig(id, config, {
            providers: lookup,
            ...(options.models ? { models: options.models } : {}),
            ...(options.deps ? { deps: options.deps } : {}),
          });
        }
        const deps = options.deps ?? { ...defaultDeps, transport: upstreamTransport(config.timeouts.connectMs) };
        return createAdapter(id, config, options.onRetry ? { ...deps, onRetry: options.onRetry } : deps);
      }),
    );
    return registry;
  }

  /** Every provider id, in config order. */
  ids(): string[] {
    return [...this.adapters.keys()];
  }

  /** The adapter for a provider id; config validation guarantees every model's provider exists. */
  get(id: string): ProviderAdapter {
    const adapter = this.adapters.get(id);
    if (!adapter) throw new Error(`provider '${id}' is not registered`);
    return adapter;
  }
}

function createAdapter(id: string, config: OpenAIProviderConfig, deps: OpenAICompatibleDeps): ProviderAdapter {
  switch (config.type) {
    case 'openai':
      return new OpenAICompatibleAdapter(
        id,
        config,
        {
          inputAudioFormats: ['wav', 'mp3'],
          streamingAudioFormats: config.streamingAudioFormats,
          audioFormats: config.audioFormats,
        },
        { ...deps, retry: { ...deps.retry, maxRetries: config.maxRetries } },
        {
          speechFormats: config.speechFormats,
          speechSpeed: config.speechSpeed,
          transcriptionFormats: config.transcriptionFormats,
        },
      );
  }
}
