import type { BatchJobQueue } from '@voxgate/batch';
import type { Gauge, MetricsCollector, MetricsRegistry } from '@voxgate/metrics';

/**
 * `voxgate_batch_queue_jobs{state}`: batch jobs in the BullMQ queue per state, sampled from Redis when
 * `/metrics` is scraped (one `getJobCounts` round trip, bounded by the registry's collect timeout, so a
 * scrape never hangs on Redis). A failed sampling leaves the gauge empty for that scrape and counts in
 * `voxgate_metrics_collector_failures_total{collector="batch_queue"}`. The queue is shared, so every
 * replica reports the same depth: aggregate with `max`, not `sum`.
 */
export class BatchQueueCollector implements MetricsCollector {
  readonly name = 'batch_queue';
  private readonly jobs: Gauge<'state'>;

  constructor(
    registry: MetricsRegistry,
    private readonly queue: Pick<BatchJobQueue, 'counts'>,
  ) {
    this.jobs = registry.gauge({
      name: 'voxgate_batch_queue_jobs',
      help: 'Batch jobs in the queue per state, sampled at scrape time (the same on every replica).',
      labelNames: ['state'],
    });
    registry.addCollector(this);
  }

  async collect(): Promise<void> {
    this.jobs.clear();
    const counts = await this.queue.counts();
    for (const [state, count] of Object.entries(counts)) this.jobs.set({ state }, count);
  }
}
