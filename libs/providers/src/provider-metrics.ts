import type { BreakerState } from './circuit-breaker';

export const METRIC_UPSTREAM_CALLS = 'voxgate_upstream_calls_total';
export const METRIC_UPSTREAM_RETRIES = 'voxgate_upstream_retries_total';
export const METRIC_UPSTREAM_FALLBACKS = 'voxgate_upstream_fallbacks_total';
export const METRIC_CIRCUIT_STATE = 'voxgate_provider_circuit_state';

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Process-local Prometheus metrics of provider calls, served on `/metrics`. Each replica exposes its
 * own; Prometheus sums them. Label values are config ids and status codes, so the label sets stay small.
 *
 * - `voxgate_upstream_calls_total{provider,status}`: routed calls by outcome: the HTTP status the gateway
 *   derived (`200`, `400`, `429`, `502`, `504`…), `circuit_open` (refused by the breaker, never sent) or
 *   `cancelled` (the client went away).
 * - `voxgate_upstream_retries_total{provider}`: retries of a call on the same provider.
 * - `voxgate_upstream_fallbacks_total{from,to}`: calls handed to the model's next provider.
 * - `voxgate_provider_circuit_state{provider}`: 0 closed, 1 half-open, 2 open.
 */
export class ProviderMetrics {
  private readonly calls = new Map<string, number>();
  private readonly retries = new Map<string, number>();
  private readonly fallbacks = new Map<string, number>();
  private readonly states = new Map<string, BreakerState>();

  /** Lists every provider's breaker as closed, so the gauge exists before the first change. */
  constructor(providers: Iterable<string> = []) {
    for (const provider of providers) this.states.set(provider, 'closed');
  }

  call(provider: string, status: string): void {
    increment(this.calls, labelsText({ provider, status }));
  }

  retry(provider: string): void {
    increment(this.retries, labelsText({ provider }));
  }

  fallback(from: string, to: string): void {
    increment(this.fallbacks, labelsText({ from, to }));
  }

  breakerState(provider: string, state: BreakerState): void {
    this.states.set(provider, state);
  }

  /** Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string, values: Iterable<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of values) lines.push(`${name}{${labels}} ${value}`);
    };
    family(METRIC_UPSTREAM_CALLS, 'counter', 'Provider calls, by provider and outcome status.', this.calls);
    family(METRIC_UPSTREAM_RETRIES, 'counter', 'Retries of a provider call on the same provider.', this.retries);
    family(METRIC_UPSTREAM_FALLBACKS, 'counter', "Calls handed to a model's next provider.", this.fallbacks);
    family(
      METRIC_CIRCUIT_STATE,
      'gauge',
      'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.',
      [...this.states].map(([provider, state]) => [labelsText({ provider }), STATE_VALUE[state]]),
    );
    return lines.join('\n') + '\n';
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([label, text]) => `${label}="${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
