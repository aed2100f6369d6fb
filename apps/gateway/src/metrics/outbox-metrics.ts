import type { MetricsRegistry } from '@voxgate/metrics';
import type { OutboxStats } from '@voxgate/outbox';

/**
 * The outbox of writes held during a Redis outage, read from its stats at scrape time (no I/O):
 * `voxgate_outbox_pending` (gauge), `voxgate_outbox_written_total` and `voxgate_outbox_dropped_total`
 * (counters).
 */
export function registerOutboxMetrics(registry: MetricsRegistry, stats: () => OutboxStats): void {
  const pending = registry
    .gauge({ name: 'voxgate_outbox_pending', help: 'Writes waiting for Redis (usage, settles, session turns).' })
    .labels({});
  const written = registry
    .counter({ name: 'voxgate_outbox_written_total', help: 'Writes made late, once Redis was back.' })
    .labels({});
  const dropped = registry
    .counter({ name: 'voxgate_outbox_dropped_total', help: 'Writes lost because the outbox was full.' })
    .labels({});
  registry.addCollector({
    name: 'outbox',
    collect: () => {
      const now = stats();
      pending.set(now.pending);
      // The outbox's own totals only grow; the counters follow them.
      written.inc(now.written - written.value);
      dropped.inc(now.dropped - dropped.value);
    },
  });
}
