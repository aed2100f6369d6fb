import { MetricsRegistry } from '@voxgate/metrics';
import { mergeExpositions } from './merge-expositions';

/** A worker's registry with the kinds of families the gateway has, filled with `n`-scaled values. */
function worker(n: number, extraLabel?: string): string {
  const registry = new MetricsRegistry();
  const requests = registry.counter({ name: 'voxgate_requests_total', help: 'Requests.', labelNames: ['route'] });
  requests.inc({ route: '/v1/chat/completions' }, n);
  if (extraLabel) requests.inc({ route: extraLabel });
  const latency = registry.histogram({
    name: 'voxgate_latency_seconds',
    help: 'Latency "with quotes".',
    labelNames: ['route'],
    buckets: [0.1, 1],
  });
  for (let i = 0; i < n; i++) latency.observe({ route: 'a b' }, 0.5);
  registry.gauge({ name: 'voxgate_outbox_pending', help: 'Pending.' }).labels({}).set(n);
  registry
    .gauge({ name: 'voxgate_batch_queue_jobs', help: 'Jobs.', labelNames: ['state'] })
    .set({ state: 'waiting' }, 7);
  registry
    .gauge({ name: 'voxgate_provider_circuit_state', help: 'State.', labelNames: ['provider'] })
    .set({ provider: 'p' }, n === 1 ? 2 : 0);
  return registry.renderNow();
}

describe('mergeExpositions', () => {
  const merged = mergeExpositions([worker(1), worker(2, '/healthz')]);

  it('sums counters and histograms across workers, label sets matched exactly', () => {
    expect(merged).toContain('voxgate_requests_total{route="/v1/chat/completions"} 3\n');
    expect(merged).toContain('voxgate_requests_total{route="/healthz"} 1\n');
    expect(merged).toContain('voxgate_latency_seconds_bucket{route="a b",le="0.1"} 0\n');
    expect(merged).toContain('voxgate_latency_seconds_bucket{route="a b",le="1"} 3\n');
    expect(merged).toContain('voxgate_latency_seconds_bucket{route="a b",le="+Inf"} 3\n');
    expect(merged).toContain('voxgate_latency_seconds_sum{route="a b"} 1.5\n');
    expect(merged).toContain('voxgate_latency_seconds_count{route="a b"} 3\n');
  });

  it('sums gauges of things in flight, takes the largest of shared or worst-state gauges', () => {
    expect(merged).toContain('voxgate_outbox_pending 3\n');
    expect(merged).toContain('voxgate_batch_queue_jobs{state="waiting"} 7\n');
    expect(merged).toContain('voxgate_provider_circuit_state{provider="p"} 2\n');
  });

  it('keeps one HELP and TYPE per family, before its samples, and is the identity for one worker', () => {
    expect(merged.match(/# TYPE voxgate_latency_seconds histogram/g)).toHaveLength(1);
    expect(merged.indexOf('# HELP voxgate_requests_total')).toBeLessThan(merged.indexOf('voxgate_requests_total{'));
    const alone = worker(2);
    expect(mergeExpositions([alone])).toBe(alone);
  });
});
