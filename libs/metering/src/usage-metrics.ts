import { type Counter, MetricsRegistry, renderFamilies } from '@voxgate/metrics';
import type { UsageEvent } from './usage-event';

/**
 * Process-local Prometheus counters of metered usage, by tenant and model, on the process's
 * `MetricsRegistry`. Each replica exposes its own (Prometheus sums across replicas); billing never reads
 * these, it reads the recorded events. Tenants are created by ops and models come from the catalogue, so
 * the label sets stay bounded.
 *
 * - `voxgate_requests_total{tenant,model,status}`
 * - `voxgate_tokens_total{tenant,model,direction="input|output",modality="text|audio|cached"}`
 * - `voxgate_cost_usd_micros_total{tenant,model}`
 */
export class UsageMetrics {
  private readonly requests: Counter<'tenant' | 'model' | 'status'>;
  private readonly tokens: Counter<'tenant' | 'model' | 'direction' | 'modality'>;
  private readonly cost: Counter<'tenant' | 'model'>;

  constructor(registry: MetricsRegistry = new MetricsRegistry()) {
    this.requests = registry.counter({
      name: 'voxgate_requests_total',
      help: 'Metered chat-completion requests.',
      labelNames: ['tenant', 'model', 'status'],
    });
    this.tokens = registry.counter({
      name: 'voxgate_tokens_total',
      help: 'Tokens metered, by direction and modality.',
      labelNames: ['tenant', 'model', 'direction', 'modality'],
    });
    this.cost = registry.counter({
      name: 'voxgate_cost_usd_micros_total',
      help: 'Cost metered, in micro-USD.',
      labelNames: ['tenant', 'model'],
    });
  }

  count(event: UsageEvent): void {
    const tenant = event.tenant_id;
    const model = event.model;
    this.requests.inc({ tenant, model, status: event.status });
    const tokens: [string, string, number][] = [
      ['input', 'text', event.input_text_tokens - event.input_cached_tokens],
      ['input', 'cached', event.input_cached_tokens],
      ['input', 'audio', event.input_audio_tokens],
      ['output', 'text', event.output_text_tokens],
      ['output', 'audio', event.output_audio_tokens],
    ];
    for (const [direction, modality, value] of tokens) {
      if (value > 0) this.tokens.inc({ tenant, model, direction, modality }, value);
    }
    if (event.cost_micros > 0) this.cost.inc({ tenant, model }, event.cost_micros);
  }

  /** These three families alone, in the text exposition format 0.0.4 (`/metrics` renders the registry). */
  render(): string {
    return renderFamilies([this.requests, this.tokens, this.cost]);
  }
}
