import { parseExposition, sampleValue, samplesOf } from '@voxgate/testing';
import { MetricsRegistry } from './metrics-registry';

describe('MetricsRegistry exposition', () => {
  it('renders HELP and TYPE for every family, even without samples, and ends with a line feed', async () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'x_total', help: 'Things.', labelNames: ['kind'] });
    registry.gauge({ name: 'y', help: 'Level.' });
    const text = await registry.render();
    expect(text.endsWith('\n')).toBe(true);
    const families = parseExposition(text);
    expect(families.get('x_total')).toEqual({ name: 'x_total', type: 'counter', help: 'Things.', samples: [] });
    expect(families.get('y')).toMatchObject({ type: 'gauge', help: 'Level.', samples: [] });
    expect(families.get('voxgate_metrics_series_overflow_total')?.type).toBe('counter');
  });

  it('counts per label set and renders labels in declared order', () => {
    const registry = new MetricsRegistry();
    const calls = registry.counter({ name: 'calls_total', help: 'Calls.', labelNames: ['provider', 'status'] });
    const ok = calls.labels({ status: '200', provider: 'a' });
    ok.inc();
    ok.inc(2);
    calls.inc({ provider: 'a', status: '502' });
    calls.inc({ provider: 'b', status: '200' }, 0.5);
    calls.inc({ provider: 'b', status: '200' }, -4); // ignored: a counter never goes down
    calls.inc({ provider: 'b', status: '200' }, Infinity);
    const text = registry.renderNow();
    expect(text).toContain('calls_total{provider="a",status="200"} 3\n');
    const families = parseExposition(text);
    expect(sampleValue(families, 'calls_total', { provider: 'a', status: '200' })).toBe(3);
    expect(sampleValue(families, 'calls_total', { provider: 'a', status: '502' })).toBe(1);
    expect(sampleValue(families, 'calls_total', { provider: 'b', status: '200' })).toBe(0.5);
    expect(samplesOf(families, 'calls_total')).toHaveLength(3);
  });

  it('escapes backslash, double quote and line feed in label values, and backslash and line feed in HELP', () => {
    const registry = new MetricsRegistry();
    const weird = 'a\\b"c\nd}e,f=g';
    registry
      .counter({ name: 'w_total', help: 'Back\\slash and\nnewline "quoted".', labelNames: ['v'] })
      .inc({ v: weird });
    const text = registry.renderNow();
    expect(text).toContain('w_total{v="a\\\\b\\"c\\nd}e,f=g"} 1\n');
    expect(text).toContain('# HELP w_total Back\\\\slash and\\nnewline "quoted".\n');
    const families = parseExposition(text);
    expect(sampleValue(families, 'w_total', { v: weird })).toBe(1);
    expect(families.get('w_total')?.help).toBe('Back\\slash and\nnewline "quoted".');
  });

  it('gauges go up, down and to a value; special values use Go float syntax', () => {
    const registry = new MetricsRegistry();
    const depth = registry.gauge({ name: 'depth', help: 'Depth.', labelNames: ['state'] });
    const waiting = depth.labels({ state: 'waiting' });
    waiting.inc(5);
    waiting.dec(2);
    depth.set({ state: 'active' }, -1.5);
    depth.set({ state: 'up' }, Infinity);
    depth.set({ state: 'down' }, -Infinity);
    depth.set({ state: 'none' }, NaN);
    const text = registry.renderNow();
    expect(text).toContain('depth{state="up"} +Inf\n');
    expect(text).toContain('depth{state="down"} -Inf\n');
    expect(text).toContain('depth{state="none"} NaN\n');
    const families = parseExposition(text);
    expect(sampleValue(families, 'depth', { state: 'waiting' })).toBe(3);
    expect(sampleValue(families, 'depth', { state: 'active' })).toBe(-1.5);
  });

  it('refuses invalid or duplicate names and reserved labels', () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'a_total', help: 'A.' });
    expect(() => registry.counter({ name: 'a_total', help: 'A again.' })).toThrow('registered twice');
    expect(() => registry.gauge({ name: '1bad', help: '.' })).toThrow('invalid metric name');
    expect(() => registry.gauge({ name: 'g', help: '.', labelNames: ['__x'] })).toThrow('invalid label name');
    expect(() => registry.gauge({ name: 'g2', help: '.', labelNames: ['a-b'] })).toThrow('invalid label name');
    expect(() => registry.gauge({ name: 'g3', help: '.', labelNames: ['a', 'a'] })).toThrow('duplicate label');
    expect(() => registry.histogram({ name: 'h', help: '.', labelNames: ['le'], buckets: [1] })).toThrow('reserved');
    expect(() => registry.histogram({ name: 'h2', help: '.', buckets: [1, 1] })).toThrow('strictly increasing');
    expect(() => registry.histogram({ name: 'h3', help: '.', buckets: [] })).toThrow('at least one bucket');
  });

  it('bounds the series of a family: past maxSeries new label sets land in one "_other" series, counted', () => {
    const registry = new MetricsRegistry();
    const family = registry.counter({ name: 'm_total', help: 'M.', labelNames: ['model', 'k'], maxSeries: 2 });
    family.inc({ model: 'a', k: '1' });
    family.inc({ model: 'b', k: '1' });
    for (let index = 0; index < 5; index++) family.inc({ model: `client-said-${index}`, k: '1' });
    family.inc({ model: 'a', k: '1' }); // known series still counted in place
    const families = parseExposition(registry.renderNow());
    expect(samplesOf(families, 'm_total')).toHaveLength(3);
    expect(sampleValue(families, 'm_total', { model: 'a', k: '1' })).toBe(2);
    expect(sampleValue(families, 'm_total', { model: '_other', k: '_other' })).toBe(5);
    expect(sampleValue(families, 'voxgate_metrics_series_overflow_total', { metric: 'm_total' })).toBe(5);
  });
});

describe('MetricsRegistry collectors', () => {
  it('runs collectors before rendering, and counts a failing or hanging one without holding up the scrape', async () => {
    const registry = new MetricsRegistry({ collectTimeoutMs: 50 });
    const depth = registry.gauge({ name: 'q', help: 'Q.', labelNames: ['state'] });
    let sampled = 0;
    let hungSignal: AbortSignal | undefined;
    registry.addCollector({ name: 'good', collect: () => void depth.set({ state: 'waiting' }, ++sampled) });
    registry.addCollector({ name: 'broken', collect: () => Promise.reject(new Error('ECONNREFUSED')) });
    registry.addCollector({
      name: 'hung',
      collect: (signal) => {
        hungSignal = signal;
        return new Promise<void>(() => undefined);
      },
    });
    const started = performance.now();
    const first = parseExposition(await registry.render());
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(hungSignal?.aborted).toBe(true);
    expect(sampleValue(first, 'q', { state: 'waiting' })).toBe(1);
    expect(sampleValue(first, 'voxgate_metrics_collector_failures_total', { collector: 'broken' })).toBe(1);
    expect(sampleValue(first, 'voxgate_metrics_collector_failures_total', { collector: 'hung' })).toBe(1);
    expect(sampleValue(first, 'voxgate_metrics_collector_failures_total', { collector: 'good' })).toBeUndefined();
    const second = parseExposition(await registry.render());
    expect(sampleValue(second, 'q', { state: 'waiting' })).toBe(2);
    expect(sampleValue(second, 'voxgate_metrics_collector_failures_total', { collector: 'hung' })).toBe(2);
  });
});
