import type { Provider } from '@nestjs/common';
import { BatchJobQueue } from '@voxgate/batch';
import type { GatewayConfig } from '@voxgate/config';
import { MetricsRegistry } from '@voxgate/metrics';
import { BatchQueueCollector } from './batch-queue.collector';
import { GatewayMetrics } from './gateway-metrics';
import { RedisErrorMetrics } from './redis-error-metrics';

/**
 * The process's one `MetricsRegistry` (every family `/metrics` serves is registered on it) and the
 * gateway's own families. Built per app, so tests booting several apps never share series.
 */
export function metricsProviders(config: GatewayConfig): Provider[] {
  return [
    { provide: MetricsRegistry, useFactory: () => new MetricsRegistry() },
    {
      provide: GatewayMetrics,
      inject: [MetricsRegistry],
      useFactory: (registry: MetricsRegistry) =>
        new GatewayMetrics(
          registry,
          config.models.map((model) => model.id),
        ),
    },
    {
      provide: BatchQueueCollector,
      inject: [MetricsRegistry, BatchJobQueue],
      useFactory: (registry: MetricsRegistry, queue: BatchJobQueue) => new BatchQueueCollector(registry, queue),
    },
    RedisErrorMetrics,
  ];
}
