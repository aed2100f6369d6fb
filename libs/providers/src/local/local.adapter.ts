import type { LocalProviderConfig, ModelConfig } from '@voxgate/config';
import { LocalVoice, type LocalVoiceCapabilities, type LocalVoiceOptions } from '@voxgate/local-voice';
import type { ChatCompletionRequest, ChatCompletionResponse } from '@voxgate/openai-wire';
import type { OpenAICompatibleDeps } from '../openai-compatible/openai-compatible.adapter';
import type {
  ProviderAdapter,
  ProviderCallContext,
  ProviderCapabilities,
  ProviderResult,
  ProviderStream,
} from '../provider-adapter';
import { textModelFromConfig } from './cascade/adapter-text-model';
import { foldChunks } from './cascade/fold-chunks';
import { LocalCascade } from './cascade/local-cascade';
import { type LocalEngines, LocalSpeech } from './local-speech';
import type { LocalTextModel } from './text-model';

/** Where a local provider's chat completions find their text models. */
export interface LocalTextModels {
  /** The provider's own `textModel` (models without one use it); null when not configured. */
  readonly fallback: LocalTextModel | null;
  /** Per upstream model name: the model's own `textModel`. */
  readonly byModel: ReadonlyMap<string, LocalTextModel>;
}

export const NO_TEXT_MODELS: LocalTextModels = { fallback: null, byModel: new Map() };

/**
 * A `type: local` provider: the offline engines of `@voxgate/local-voice` behind the speech routes, and
 * chat completions through the cascade (`LocalCascade`: speech to text, the configured text model, text
 * to speech). It takes WAV input (the gateway converts every other format) and produces 24 kHz pcm16
 * (the gateway encodes the asked format and applies `speed`). The engines' worker threads start on first
 * use; `close()` stops them and the text models (called at shutdown).
 */
export class LocalVoiceAdapter implements ProviderAdapter {
  readonly capabilities: ProviderCapabilities = {
    inputAudioFormats: ['wav'],
    streamingAudioFormats: ['pcm16'],
    audioFormats: ['pcm16'],
  };
  readonly speech: LocalSpeech;
  private readonly cascade: LocalCascade;

  constructor(
    readonly id: string,
    private readonly engines: LocalEngines & Pick<LocalVoice, 'probe' | 'close'>,
    private readonly textModels: LocalTextModels = NO_TEXT_MODELS,
  ) {
    this.speech = new LocalSpeech(id, engines);
    this.cascade = new LocalCascade(id, engines, (model) => textModels.byModel.get(model) ?? textModels.fallback);
  }

  /**
   * `models`: the config's models served by this provider (their `textModel`s); `providers` resolves a
   * `type: provider` text model at call time.
   */
  static fromConfig(
    id: string,
    config: LocalProviderConfig,
    options: {
      readonly models?: readonly ModelConfig[];
      readonly providers?: (id: string) => ProviderAdapter;
      readonly deps?: OpenAICompatibleDeps;
    } = {},
  ): LocalVoiceAdapter {
    const providers =
      options.providers ??
      ((provider: string) => {
        throw new Error(`provider '${provider}' is not registered`);
      });
    const name = `${id}/text-model`;
    const build = (text: NonNullable<LocalProviderConfig['textModel']>) =>
      textModelFromConfig(name, text, providers, options.deps);
    const byModel = new Map<string, LocalTextModel>();
    for (const model of options.models ?? []) {
      if (model.provider === id && model.textModel)
        byModel.set(model.upstreamModel ?? model.id, build(model.textModel));
    }
    const textModels = { fallback: config.textModel ? build(config.textModel) : null, byModel };
    return new LocalVoiceAdapter(id, LocalVoice.create(localVoiceOptions(config)), textModels);
  }

  /** Whether chat completions on `model` have a text model (boot log). */
  servesChat(model: string): boolean {
    return this.textModels.byModel.has(model) || this.textModels.fallback !== null;
  }

  async chatCompletion(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ProviderResult<ChatCompletionResponse>> {
    const started = await this.cascade.stream({ ...request, stream: true }, context);
    return { body: await foldChunks(started.chunks), upstreamRequestId: null };
  }

  streamChatCompletion(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ProviderStream> {
    return this.cascade.stream(request, context);
  }

  /** Which engines load on this host (and, for those that do not, the package to install). */
  probe(): Promise<LocalVoiceCapabilities> {
    return this.engines.probe();
  }

  async close(): Promise<void> {
    const models = new Set([...this.textModels.byModel.values(), this.textModels.fallback]);
    await Promise.all([...models].map(async (model) => model?.close?.()));
    await this.engines.close();
  }
}

/** The config's options as `LocalVoice.create` takes them (unset library paths keep Debian's sonames). */
export function localVoiceOptions(config: LocalProviderConfig): LocalVoiceOptions {
  const libraries = Object.fromEntries(Object.entries(config.libraries).filter(([, value]) => value !== undefined));
  const vad = Object.fromEntries(Object.entries(config.vad).filter(([, value]) => value !== undefined));
  return {
    poolSize: config.poolSize,
    timeoutMs: config.timeoutMs,
    voices: config.voices,
    allowEngineVoices: config.allowEngineVoices,
    libraries,
    pocketsphinxModelDir: config.pocketsphinxModelDir,
    vad,
    maxSentenceChars: config.maxSentenceChars,
  };
}
