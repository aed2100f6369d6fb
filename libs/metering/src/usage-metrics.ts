import type { UsageEvent } from './usage-event';

/**
 * Process-local Prometheus counters of metered usage, by tenant and model. Each replica exposes its own
 * (Prometheus sums across replicas); billing never reads these, it reads the recorded events.
 *
 * - `voxgate_requests_total{tenant,model,status}`
 * - `voxgate_tokens_total{tenant,model,direction="input|output",modality="text|audio|cached"}`
 * - `voxgate_cost_usd_micros_total{tenant,model}`
 */
export class UsageMetrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  constructor() {
    this.define('voxgate_requests_total', 'Metered chat-completion requests.');
    this.define('voxgate_tokens_total', 'Tokens metered, by direction and modality.');
    this.define('voxgate_cost_usd_micros_total', 'Cost metered, in micro-USD.');
  }

  count(event: UsageEvent): void {
    const base = { tenant: event.tenant_id, model: event.model };
    this.add('voxgate_requests_total', { ...base, status: event.status }, 1);
    const tokens: [string, string, number][] = [
      ['input', 'text', event.input_text_tokens - event.input_cached_tokens],
      ['input', 'cached', event.input_cached_tokens],
      ['input', 'audio', event.input_audio_tokens],
      ['output', 'text', event.output_text_tokens],
      ['output', 'audio', event.output_audio_tokens],
    ];
    for (const [direction, modality, value] of tokens) {
      if (value > 0) this.add('voxgate_tokens_total', { ...base, direction, modality }, value);
    }
    if (event.cost_micros > 0) this.add('voxgate_cost_usd_micros_total', base, event.cost_micros);
  }

  /** Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const [name, counter] of this.counters) {
      lines.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of counter.values) lines.push(`${name}{${labels}} ${value}`);
    }
    return lines.join('\n') + '\n';
  }

  private define(name: string, help: string): void {
    this.counters.set(name, { help, values: new Map() });
  }

  private add(name: string, labels: Record<string, string>, value: number): void {
    const counter = this.counters.get(name);
    if (!counter) return;
    const key = Object.entries(labels)
      .map(([label, text]) => `${label}="${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
      .join(',');
    counter.values.set(key, (counter.values.get(key) ?? 0) + value);
  }
}
