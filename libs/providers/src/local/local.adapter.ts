import type { LocalProviderConfig } from '@voxgate/config';
import { LocalVoice, type LocalVoiceCapabilities, type LocalVoiceOptions } from '@voxgate/local-voice';
import { Errors } from '@voxgate/openai-wire';
import type { ProviderAdapter, ProviderCapabilities, ProviderResult, ProviderStream } from '../provider-adapter';
import { LocalSpeech } from './local-speech';

/**
 * A `type: local` provider: the offline engines of `@voxgate/local-voice` behind the speech routes. Chat
 * completions are not served (yet): a chat model routed here is refused with a 400 naming the provider.
 * The engines' worker threads start on first use; `close()` stops them (called at shutdown).
 */
export class LocalVoiceAdapter implements ProviderAdapter {
  readonly capabilities: ProviderCapabilities = { inputAudioFormats: [], streamingAudioFormats: [], audioFormats: [] };
  readonly speech: LocalSpeech;

  constructor(
    readonly id: string,
    private readonly engines: LocalVoice,
  ) {
    this.speech = new LocalSpeech(id, engines);
  }

  static fromConfig(id: string, config: LocalProviderConfig): LocalVoiceAdapter {
    return new LocalVoiceAdapter(id, LocalVoice.create(localVoiceOptions(config)));
  }

  chatCompletion(): Promise<ProviderResult<never>> {
    return Promise.reject(Errors.audioRouteUnsupported(this.id, 'POST /v1/chat/completions'));
  }

  streamChatCompletion(): Promise<ProviderStream> {
    return Promise.reject(Errors.audioRouteUnsupported(this.id, 'POST /v1/chat/completions'));
  }

  /** Which engines load on this host (and, for those that do not, the package to install). */
  probe(): Promise<LocalVoiceCapabilities> {
    return this.engines.probe();
  }

  close(): Promise<void> {
    return this.engines.close();
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
