import type { GatewayConfig } from '@voxgate/config';
import type { MetricsRegistry } from '@voxgate/metrics';
import { ProviderMetrics, ProviderRegistry, ProviderRouter } from '@voxgate/providers';
import type { JsonLogger } from '../infra/json-logger';

/**
 * The configured providers behind their circuit breakers, with their metrics on the process's registry and the
 * routing decisions logged: `provider.circuit_changed` (warn when it opens) and `provider.fallback`.
 */
export function providerRouter(
  config: GatewayConfig,
  logger: JsonLogger,
  metricsRegistry: MetricsRegistry,
): ProviderRouter {
  const metrics = new ProviderMetrics(Object.keys(config.providers), metricsRegistry);
  const registry = ProviderRegistry.fromConfig(config.providers, {
    onRetry: (provider) => metrics.retry(provider),
    models: config.models,
  });
  return new ProviderRouter(registry, {
    breakers: Object.fromEntries(Object.entries(config.providers).map(([id, provider]) => [id, provider.breaker])),
    metrics,
    onBreakerChange: (provider, from, to) =>
      logger.event(to === 'open' ? 'warn' : 'info', 'provider.circuit_changed', { provider, from, to }),
    onFallback: (from, to, error) =>
      logger.event('warn', 'provider.fallback', {
        from: from.provider,
        to: to.provider,
        status: error.status,
        code: error.code,
      }),
  });
}
