import type { ModelConfig, ModelEndpoint } from '@voxgate/config';
import { Errors, type ModelObject } from '@voxgate/openai-wire';
import type { ProviderRoute } from '@voxgate/providers';

/** Where a model name leads: the snapshot clients are told about, and how to reach it upstream. */
export interface ResolvedModel {
  /** Dated snapshot id, echoed in every response's `model` even when the client named an alias. */
  readonly snapshot: string;
  readonly provider: string;
  /** Model name sent upstream (Azure: the deployment). */
  readonly upstreamModel: string;
  /** `provider` + `upstreamModel` first, then the model's `fallbacks`, in the order they are tried. */
  readonly routes: readonly ProviderRoute[];
  /** The routes it serves (`ModelConfig.endpoints`). */
  readonly endpoints: readonly ModelEndpoint[];
}

/** The configured models and their aliases. Immutable after boot. */
export class ModelCatalog {
  private readonly byName = new Map<string, ResolvedModel>();
  private readonly objects: ModelObject[] = [];

  constructor(models: readonly ModelConfig[]) {
    for (const model of models) {
      const upstreamModel = model.upstreamModel ?? model.id;
      const resolved: ResolvedModel = {
        snapshot: model.id,
        provider: model.provider,
        upstreamModel,
        routes: [
          { provider: model.provider, upstreamModel },
          ...model.fallbacks.map((fallback) => ({
            provider: fallback.provider,
            upstreamModel: fallback.upstreamModel ?? upstreamModel,
          })),
        ],
        endpoints: model.endpoints,
      };
      for (const name of [model.id, ...model.aliases]) {
        this.byName.set(name, resolved);
        // OpenAI lists aliases and snapshots as separate, independent entries.
        this.objects.push({ id: name, object: 'model', created: model.created, owned_by: model.ownedBy });
      }
    }
  }

  /**
   * Resolves an id or alias for one route (chat completions unless told otherwise): throws OpenAI's 404
   * `model_not_found` for an unknown name, and a 400 `model_not_supported` for a model that serves other
   * routes only (a TTS model named on chat completions, a chat model on `/v1/audio/speech`).
   */
  resolve(name: string, endpoint: ModelEndpoint = 'chat/completions'): ResolvedModel {
    const found = this.byName.get(name);
    if (!found) throw Errors.modelNotFound(name);
    if (!found.endpoints.includes(endpoint)) {
      throw Errors.wrongModelEndpoint(name, routeOf(endpoint), found.endpoints.map(routeOf));
    }
    return found;
  }

  /** Every id and alias, in config order; with `endpoint`, only the models that serve that route. */
  list(endpoint?: ModelEndpoint): readonly ModelObject[] {
    if (!endpoint) return this.objects;
    return this.objects.filter((model) => this.byName.get(model.id)?.endpoints.includes(endpoint));
  }

  get(name: string): ModelObject {
    const found = this.objects.find((model) => model.id === name);
    if (!found) throw Errors.modelNotFound(name);
    return found;
  }
}

/** `audio/speech` → `POST /v1/audio/speech`, as messages name routes. */
function routeOf(endpoint: ModelEndpoint): string {
  return `POST /v1/${endpoint}`;
}
