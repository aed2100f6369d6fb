import { MetricsRegistry } from '@voxgate/metrics';
import { BatchQueueCollector } from './batch-queue.collector';

/** `name{labels}` → value of every sample (apps may not import @voxgate/testing's parser). */
function samples(text: string): Map<string, number> {
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  return new Map(
    lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
  );
}

describe('BatchQueueCollector', () => {
  it('samples the queue per state at scrape time, and leaves the gauge empty (counted) when Redis fails', async () => {
    const registry = new MetricsRegistry({ collectTimeoutMs: 50 });
    let answer: () => Promise<Record<string, number>> = () => Promise.resolve({ waiting: 3, active: 1, delayed: 0 });
    new BatchQueueCollector(registry, { counts: () => answer() });

    const first = samples(await registry.render());
    expect(first.get('voxgate_batch_queue_jobs{state="waiting"}')).toBe(3);
    expect(first.get('voxgate_batch_queue_jobs{state="active"}')).toBe(1);
    expect(first.get('voxgate_batch_queue_jobs{state="delayed"}')).toBe(0);

    answer = () => new Promise(() => undefined); // a frozen Redis
    const second = samples(await registry.render());
    expect([...second.keys()].filter((name) => name.startsWith('voxgate_batch_queue_jobs'))).toEqual([]);
    expect(second.get('voxgate_metrics_collector_failures_total{collector="batch_queue"}')).toBe(1);
  });
});
