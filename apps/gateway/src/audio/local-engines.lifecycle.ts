import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  type GatewayConfig,
  type ModelConfig,
  providerHasCredentials,
  servedOffline,
  type TextModelConfig,
} from '@voxgate/config';
import { LocalVoiceAdapter, ProviderRouter } from '@voxgate/providers';
import { JsonLogger } from '../infra/json-logger';
import { GATEWAY_CONFIG } from '../infra/tokens';

/** Debian packages of the local engines, named in boot messages. */
const PACKAGES = 'libflite1 libespeak-ng1 libpocketsphinx3 pocketsphinx-en-us';

/**
 * The `type: local` providers' lifecycle: at boot, says what is served by the offline engines (and what to
 * configure for chat when no provider has a key), then probes the engines in the background and says which
 * work — a missing engine never fails the boot, its routes answer 503 naming the package. At shutdown,
 * stops their worker threads.
 */
@Injectable()
export class LocalEnginesLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly router: ProviderRouter,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    const local = this.localAdapters();
    if (local.length === 0) return;
    const ids = new Set(local.map((adapter) => adapter.id));
    const used: LocalVoiceAdapter[] = [];
    for (const adapter of local) {
      const models = this.config.models.filter((model) => model.provider === adapter.id);
      // An unused local provider starts no worker thread at all.
      if (models.length === 0) continue;
      used.push(adapter);
      this.logger.event('info', 'local engines serve these models', {
        provider: adapter.id,
        models: models.map((model) => model.id),
        offline: models.filter(servedOffline).map((model) => model.id),
      });
      this.logChat(adapter.id, models);
    }
    if (used.length === 0) return;
    const keyed = Object.entries(this.config.providers).some(
      ([id, provider]) => !ids.has(id) && providerHasCredentials(provider),
    );
    if (!keyed) {
      this.logger.event(
        'warn',
        'no provider has an API key: speech and transcription are served offline; for chat completions set OPENAI_API_KEY (or another provider key), or a textModel on a local model (docs/local-voice.md)',
      );
    }
    for (const adapter of used) void this.probe(adapter);
  }

  /** Which of the provider's chat models have a text model (the cascade), and what to set for the others. */
  private logChat(id: string, models: readonly ModelConfig[]): void {
    const provider = this.config.providers[id];
    const chat = models.filter((model) => model.endpoints.includes('chat/completions'));
    const textModelOf = (model: ModelConfig) =>
      model.textModel ?? (provider?.type === 'local' ? provider.textModel : undefined);
    const served = chat.filter((model) => textModelOf(model) !== undefined);
    const unserved = chat.filter((model) => textModelOf(model) === undefined);
    if (served.length > 0) {
      this.logger.event('info', 'local chat completions: speech to text, the text model, text to speech', {
        provider: id,
        models: served.map((model) => model.id),
        textModel: [...new Set(served.map((model) => describeTextModel(textModelOf(model)!)))].join(', '),
      });
    }
    if (unserved.length > 0) {
      this.logger.event(
        'warn',
        `no text model: chat completions on these local models answer 503 text_model_not_configured`,
        {
          provider: id,
          models: unserved.map((model) => model.id),
          configure: `providers.${id}.textModel (or the model's textModel): { type: openai-compatible, baseURL, model } or { type: provider, provider, model }`,
        },
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.localAdapters().map((adapter) => adapter.close()));
  }

  private async probe(adapter: LocalVoiceAdapter): Promise<void> {
    try {
      const found = await adapter.probe();
      const missing = [
        ...(found.tts.flite.available ? [] : [`flite: ${found.tts.flite.reason ?? 'unavailable'}`]),
        ...(found.tts.espeak.available ? [] : [`espeak-ng: ${found.tts.espeak.reason ?? 'unavailable'}`]),
        ...(found.stt.available ? [] : [`pocketsphinx: ${found.stt.reason ?? 'unavailable'}`]),
      ];
      if (found.stt.vadFallbackReason !== undefined) {
        this.logger.event('warn', 'Silero VAD unavailable: long audio is cut by the energy VAD', {
          provider: adapter.id,
          reason: found.stt.vadFallbackReason,
        });
      }
      if (missing.length === 0) {
        this.logger.event('info', 'local engines ready', {
          provider: adapter.id,
          voices: Object.keys(found.tts.voices).length,
        });
      } else {
        this.logger.event('warn', `local engines missing: their routes answer 503; install ${PACKAGES}`, {
          provider: adapter.id,
          missing,
        });
      }
    } catch (error) {
      this.logger.event('warn', 'local engines could not be probed', {
        provider: adapter.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private localAdapters(): LocalVoiceAdapter[] {
    return Object.entries(this.config.providers)
      .filter(([, provider]) => provider.type === 'local')
      .map(([id]) => this.router.adapter(id))
      .filter((adapter): adapter is LocalVoiceAdapter => adapter instanceof LocalVoiceAdapter);
  }
}

/** A text model as the boot log names it: its kind and model (or file name), never its URL (which may hold credentials). */
function describeTextModel(config: TextModelConfig): string {
  switch (config.type) {
    case 'provider':
      return `provider ${config.provider}: ${config.model}`;
    case 'openai-compatible':
      return `openai-compatible: ${config.model}`;
    case 'gguf':
      // The file's name only: a path may say more about the host than a log should.
      return `gguf: ${(config.uri ?? config.path ?? '').split('/').pop() ?? ''}`;
  }
}
