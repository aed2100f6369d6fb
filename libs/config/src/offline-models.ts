import { type GatewayConfig, type ModelConfig, PricingConfigSchema, providerHasCredentials } from './config.schema';

/**
 * The config with every model whose `provider` has no credentials and that names an `offline` provider
 * moved onto that provider (its `upstreamModel`, its `pricing`, free when absent). Applied once by
 * `loadConfig`, so the catalogue, routing, metering and `/v1/models` all see where a model is really
 * served. A model served offline keeps its `offline` entry and gets `provider === offline.provider`,
 * which is how `servedOffline` recognises it.
 */
export function applyOfflineModels(config: GatewayConfig): GatewayConfig {
  const models = config.models.map((model): ModelConfig => {
    const offline = model.offline;
    const primary = config.providers[model.provider];
    if (!offline || !primary || providerHasCredentials(primary)) return model;
    return {
      ...model,
      provider: offline.provider,
      upstreamModel: offline.upstreamModel ?? model.upstreamModel ?? model.id,
      pricing: offline.pricing ?? PricingConfigSchema.parse({}),
      // The primary's fallbacks were priced and chosen for a paid relay; the offline engines stand alone.
      fallbacks: [],
    };
  });
  return { ...config, models };
}

/** Whether `model` (of a config `applyOfflineModels` returned) is served by its `offline` provider. */
export function servedOffline(model: ModelConfig): boolean {
  return model.offline !== undefined && model.provider === model.offline.provider;
}
