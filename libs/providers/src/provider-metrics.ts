import {
  type Counter,
  type Gauge,
  type Histogram,
  LATENCY_BUCKETS,
  MetricsRegistry,
  renderFamilies,
} from '@voxgate/metrics';
import type { BreakerState } from './circuit-breaker';

export const METRIC_UPSTREAM_CALLS = 'voxgate_upstream_calls_total';
export const METRIC_UPSTREAM_CALL_DURATION = 'voxgate_upstream_call_duration_seconds';
export const METRIC_UPSTREAM_RETRIES = 'voxgate_upstream_retries_total';
export const METRIC_UPSTREAM_FALLBACKS = 'voxgate_upstream_fallbacks_total';
export const METRIC_CIRCUIT_STATE = 'voxgate_provider_circuit_state';

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Process-local Prometheus metrics of provider calls, on the process's `MetricsRegistry` (served on
 * `/metrics`). Each replica exposes its own; Prometheus sums them. Label values are config ids and
 * status codes, so the label sets stay small.
 *
 * - `voxgate_upstream_calls_total{provider,status}`: routed calls by outcome: the HTTP status the gateway
 *   derived (`200`, `400`, `429`, `502`, `504`…), `circuit_open` (refused by the breaker, never sent) or
 *   `cancelled` (the client went away).
 * - `voxgate_upstream_call_duration_seconds{provider,status}`: how long each call that was sent took until
 *   the provider answered (a stream: until it accepted the request, i.e. its response headers; the
 *   adapter's own retries included). `circuit_open` calls are not observed.
 * - `voxgate_upstream_retries_total{provider}`: retries of a call on the same provider.
 * - `voxgate_upstream_fallbacks_total{from,to}`: calls handed to the model's next provider.
 * - `voxgate_provider_circuit_state{provider}`: 0 closed, 1 half-open, 2 open.
 */
export class ProviderMetrics {
  private readonly calls: Counter<'provider' | 'status'>;
  private readonly durations: Histogram<'provider' | 'status'>;
  private readonly retries: Counter<'provider'>;
  private readonly fallbacks: Counter<'from' | 'to'>;
  private readonly states: Gauge<'provider'>;

  /** Lists every provider's breaker as closed, so the gauge exists before the first change. */
  constructor(providers: Iterable<string> = [], registry: MetricsRegistry = new MetricsRegistry()) {
    this.calls = registry.counter({
      name: METRIC_UPSTREAM_CALLS,
      help: 'Provider calls, by provider and outcome status.',
      labelNames: ['provider', 'status'],
    });
    this.durations = registry.histogram({
      name: METRIC_UPSTREAM_CALL_DURATION,
      help: 'Duration of provider calls until the provider answered (a stream: accepted), by provider and status.',
      labelNames: ['provider', 'status'],
      buckets: LATENCY_BUCKETS,
    });
    this.retries = registry.counter({
      name: METRIC_UPSTREAM_RETRIES,
      help: 'Retries of a provider call on the same provider.',
      labelNames: ['provider'],
    });
    this.fallbacks = registry.counter({
      name: METRIC_UPSTREAM_FALLBACKS,
      help: "Calls handed to a model's next provider.",
      labelNames: ['from', 'to'],
    });
    this.states = registry.gauge({
      name: METRIC_CIRCUIT_STATE,
      help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider'],
    });
    for (const provider of providers) this.breakerState(provider, 'closed');
  }

  /** One routed call's outcome; `seconds` when it was sent (not for `circuit_open`). */
  call(provider: string, status: string, seconds?: number): void {
    this.calls.inc({ provider, status });
    if (seconds !== undefined) this.durations.observe({ provider, status }, seconds);
  }

  retry(provider: string): void {
    this.retries.inc({ provider });
  }

  fallback(from: string, to: string): void {
    this.fallbacks.inc({ from, to });
  }

  breakerState(provider: string, state: BreakerState): void {
    this.states.set({ provider }, STATE_VALUE[state]);
  }

  /** These families alone, in the text exposition format 0.0.4 (`/metrics` renders the registry). */
  render(): string {
    return renderFamilies([this.calls, this.durations, this.retries, this.fallbacks, this.states]);
  }
}
