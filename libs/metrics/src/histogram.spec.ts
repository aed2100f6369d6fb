import { parseExposition, sampleValue, samplesOf } from '@voxgate/testing';
import { MetricsRegistry } from './metrics-registry';

describe('Histogram', () => {
  const setup = () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram({
      name: 'd_seconds',
      help: 'Durations.',
      labelNames: ['route'],
      buckets: [0.1, 0.5, 1],
    });
    return { registry, histogram };
  };

  it('renders cumulative buckets ending with +Inf = _count, then _sum and _count', () => {
    const { registry, histogram } = setup();
    const series = histogram.labels({ route: '/v1/x' });
    for (const value of [0.05, 0.1, 0.3, 0.7, 1, 4, 0]) series.observe(value);
    const text = registry.renderNow();
    const families = parseExposition(text);
    expect(families.get('d_seconds')?.type).toBe('histogram');
    const bucket = (le: string) => sampleValue(families, 'd_seconds_bucket', { route: '/v1/x', le });
    // Upper bounds are inclusive: 0.1 is in le="0.1", 1 in le="1".
    expect([bucket('0.1'), bucket('0.5'), bucket('1'), bucket('+Inf')]).toEqual([3, 4, 6, 7]);
    expect(sampleValue(families, 'd_seconds_count', { route: '/v1/x' })).toBe(7);
    expect(sampleValue(families, 'd_seconds_sum', { route: '/v1/x' })).toBeCloseTo(6.15, 10);
    // Buckets come in increasing order and never decrease.
    const values = samplesOf(families, 'd_seconds_bucket', { route: '/v1/x' }).map((sample) => sample.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(text.indexOf('le="+Inf"')).toBeLessThan(text.indexOf('d_seconds_sum'));
  });

  it('keeps label sets apart, ignores NaN, and renders a label-less histogram without braces for _sum/_count', () => {
    const { registry, histogram } = setup();
    histogram.observe({ route: 'a' }, 0.2);
    histogram.observe({ route: 'b' }, 2);
    histogram.observe({ route: 'b' }, NaN);
    const bare = registry.histogram({ name: 'bare_seconds', help: 'Bare.', buckets: [1] });
    bare.labels({}).observe(0.5);
    const text = registry.renderNow();
    expect(text).toContain('bare_seconds_bucket{le="1"} 1\n');
    expect(text).toContain('bare_seconds_sum 0.5\n');
    expect(text).toContain('bare_seconds_count 1\n');
    const families = parseExposition(text);
    expect(sampleValue(families, 'd_seconds_count', { route: 'a' })).toBe(1);
    expect(sampleValue(families, 'd_seconds_count', { route: 'b' })).toBe(1);
    expect(sampleValue(families, 'd_seconds_bucket', { route: 'a', le: '0.5' })).toBe(1);
    expect(sampleValue(families, 'd_seconds_bucket', { route: 'b', le: '1' })).toBe(0);
    expect(sampleValue(families, 'd_seconds_bucket', { route: 'b', le: '+Inf' })).toBe(1);
  });
});
