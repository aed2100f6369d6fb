import type { UsageEvent } from './usage-event';
import { UsageMetrics } from './usage-metrics';

const event = (overrides: Partial<UsageEvent> = {}): UsageEvent => ({
  id: 'req_1',
  tenant_id: 'ten_1',
  key_id: 'key_a',
  model: 'gpt-4o-audio-preview-2025-06-03',
  provider: 'openai',
  created_at_ms: 1_900_000_000_000,
  latency_ms: 800,
  status: 'completed',
  stream: false,
  input_text_tokens: 100,
  input_audio_tokens: 0,
  input_cached_tokens: 0,
  output_text_tokens: 20,
  output_audio_tokens: 0,
  audio_in_ms: 0,
  audio_out_ms: 0,
  tool_calls: 0,
  input_characters: 0,
  cost_micros: 450,
  estimated: false,
  ...overrides,
});

/** Samples of the exposition, `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    result.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return result;
}

describe('UsageMetrics', () => {
  it('renders HELP and TYPE for every counter even before any usage, ending with a newline', () => {
    expect(new UsageMetrics().render()).toBe(
      [
        '# HELP voxgate_requests_total Metered chat-completion requests.',
        '# TYPE voxgate_requests_total counter',
        '# HELP voxgate_tokens_total Tokens metered, by direction and modality.',
        '# TYPE voxgate_tokens_total counter',
        '# HELP voxgate_cost_usd_micros_total Cost metered, in micro-USD.',
        '# TYPE voxgate_cost_usd_micros_total counter',
        '',
      ].join('\n'),
    );
  });

  it('counts requests by status, tokens by direction and modality (cached apart from text), and cost', () => {
    const metrics = new UsageMetrics();
    metrics.count(
      event({
        input_text_tokens: 100,
        input_cached_tokens: 30,
        input_audio_tokens: 7,
        output_text_tokens: 20,
        output_audio_tokens: 9,
        cost_micros: 450,
      }),
    );
    metrics.count(
      event({ id: 'req_2', status: 'failed', input_text_tokens: 5, output_text_tokens: 0, cost_micros: 0 }),
    );
    const labels = 'tenant="ten_1",model="gpt-4o-audio-preview-2025-06-03"';
    expect(samples(metrics.render())).toEqual(
      new Map([
        [`voxgate_requests_total{${labels},status="completed"}`, 1],
        [`voxgate_requests_total{${labels},status="failed"}`, 1],
        [`voxgate_tokens_total{${labels},direction="input",modality="text"}`, 75],
        [`voxgate_tokens_total{${labels},direction="input",modality="cached"}`, 30],
        [`voxgate_tokens_total{${labels},direction="input",modality="audio"}`, 7],
        [`voxgate_tokens_total{${labels},direction="output",modality="text"}`, 20],
        [`voxgate_tokens_total{${labels},direction="output",modality="audio"}`, 9],
        [`voxgate_cost_usd_micros_total{${labels}}`, 450],
      ]),
    );
  });

  it('keeps tenants and models apart and accumulates', () => {
    const metrics = new UsageMetrics();
    for (let i = 0; i < 3; i++) metrics.count(event({ id: `a${i}` }));
    metrics.count(event({ id: 'b', tenant_id: 'ten_2' }));
    metrics.count(event({ id: 'c', model: 'gpt-4o-mini' }));
    const rendered = samples(metrics.render());
    expect(rendered.get('voxgate_cost_usd_micros_total{tenant="ten_1",model="gpt-4o-audio-preview-2025-06-03"}')).toBe(
      1_350,
    );
    expect(rendered.get('voxgate_cost_usd_micros_total{tenant="ten_2",model="gpt-4o-audio-preview-2025-06-03"}')).toBe(
      450,
    );
    expect(rendered.get('voxgate_requests_total{tenant="ten_1",model="gpt-4o-mini",status="completed"}')).toBe(1);
  });

  it('escapes backslash, double quote and newline in label values', () => {
    const metrics = new UsageMetrics();
    metrics.count(event({ tenant_id: 'a\\b"c\nd', model: 'm"1', output_text_tokens: 0, input_text_tokens: 0 }));
    const lines = metrics.render().split('\n');
    expect(lines).toContain('voxgate_requests_total{tenant="a\\\\b\\"c\\nd",model="m\\"1",status="completed"} 1');
    expect(lines).toContain('voxgate_cost_usd_micros_total{tenant="a\\\\b\\"c\\nd",model="m\\"1"} 450');
    // Every sample stays on one line: name, one label block, one value.
    for (const line of lines.filter((candidate) => candidate && !candidate.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_]+\{(?:[a-z]+="(?:[^"\\\n]|\\["\\n])*",?)+\} \d+$/);
    }
  });
});
