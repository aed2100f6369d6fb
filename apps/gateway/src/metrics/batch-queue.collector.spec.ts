import { MetricsRegistry } from '@voxgate/metrics';
import { parseExposition, sampleValue, samplesOf } from '@voxgate/testing';
import { BatchQueueCollector } from './batch-queue.collector';

describe('BatchQueueCollector', () => {
  it('samples the queue per state at scrape time, and leaves the gauge empty (counted) when Redis fails', async () => {
    const registry = new MetricsRegistry({ collectTimeoutMs: 50 });
    let answer: () => Promise<Record<string, number>> = () => Promise.resolve({ waiting: 3, active: 1, delayed: 0 });
    new BatchQueueCollector(registry, { counts: () => answer() });

    const first = parseExposition(await registry.render());
    expect(sampleValue(first, 'voxgate_batch_queue_jobs', { state: 'waiting' })).toBe(3);
    expect(sampleValue(first, 'voxgate_batch_queue_jobs', { state: 'active' })).toBe(1);
    expect(sampleValue(first, 'voxgate_batch_queue_jobs', { state: 'delayed' })).toBe(0);

    answer = () => new Promise(() => undefined); // a frozen Redis
    const second = parseExposition(await registry.render());
    expect(samplesOf(second, 'voxgate_batch_queue_jobs')).toEqual([]);
    expect(sampleValue(second, 'voxgate_metrics_collector_failures_total', { collector: 'batch_queue' })).toBe(1);
  });
});
