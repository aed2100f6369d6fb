import { Errors, GatewayError } from '@voxgate/openai-wire';
import type { ProviderAdapter } from './provider-adapter';
import type { ProviderRegistry } from './provider-registry';
import { type BreakerSettings, type BreakerState, CircuitBreaker } from './circuit-breaker';
import { ProviderMetrics } from './provider-metrics';

/** One place a model can be served: a configured provider and the model name sent there. */
export interface ProviderRoute {
  readonly provider: string;
  readonly upstreamModel: string;
}

/** What a routed call returned, and which route served it. */
export interface Routed<T> {
  readonly value: T;
  readonly route: ProviderRoute;
}

export const DEFAULT_BREAKER: BreakerSettings = { failureThreshold: 5, windowMs: 60_000, cooldownMs: 30_000 };

export interface ProviderRouterOptions {
  /** Breaker settings per provider id; providers not listed get `DEFAULT_BREAKER`. */
  readonly breakers?: Readonly<Record<string, BreakerSettings>>;
  /** Milliseconds clock of the breakers' windows and cool-downs. */
  readonly now?: () => number;
  readonly metrics?: ProviderMetrics;
  /** Told about every breaker state change (for logs). Must not throw. */
  readonly onBreakerChange?: (provider: string, from: BreakerState, to: BreakerState) => void;
  /** Told when a failed route hands the call to the next one (for logs). Must not throw. */
  readonly onFallback?: (from: ProviderRoute, to: ProviderRoute, error: GatewayError) => void;
}

/**
 * Runs one provider call over a model's ordered routes (primary first, then its `fallbacks`), each
 * behind its provider's circuit breaker. A route is skipped while its breaker is open; a route that
 * fails in a way another provider might not (connection error, timeout, 429, 5xx — as `GatewayError`s
 * with status 429 or ≥ 500, after the adapter's own retries) hands the call to the next route. Anything
 * else ends the call at once: a 4xx is the client's, and a non-`GatewayError` is the client going away.
 *
 * It decides only before an answer started: a stream that failed after its provider accepted it is
 * never moved, since its first bytes may already have reached the client.
 */
export class ProviderRouter {
  readonly metrics: ProviderMetrics;
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly options: ProviderRouterOptions = {},
  ) {
    this.metrics = options.metrics ?? new ProviderMetrics();
  }

  adapter(provider: string): ProviderAdapter {
    return this.registry.get(provider);
  }

  breakerState(provider: string): BreakerState {
    return this.breakerOf(provider).state;
  }

  /**
   * `attempt` on the first route that accepts the call; throws the last route's error when none did,
   * or a 503 `provider_unavailable` when every breaker was open.
   */
  async call<T>(
    routes: readonly ProviderRoute[],
    attempt: (adapter: ProviderAdapter, route: ProviderRoute) => Promise<T>,
  ): Promise<Routed<T>> {
    let lastError: GatewayError | null = null;
    for (const [index, route] of routes.entries()) {
      const next = routes[index + 1];
      const breaker = this.breakerOf(route.provider);
      if (!breaker.tryAcquire()) {
        this.metrics.call(route.provider, 'circuit_open');
        lastError ??= Errors.providerUnavailable(route.provider);
        if (next) this.handOver(route, next, Errors.providerUnavailable(route.provider));
        continue;
      }
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const value = await attempt(this.registry.get(route.provider), route);
        breaker.success();
        this.metrics.call(route.provider, '200', seconds());
        return { value, route };
      } catch (error) {
        if (!(error instanceof GatewayError)) {
          breaker.release();
          this.metrics.call(route.provider, 'cancelled', seconds());
          throw error;
        }
        this.metrics.call(route.provider, String(error.status), seconds());
        if (isConfigurationError(error)) {
          // Says nothing about the provider's health, and the breaker would hide its message.
          breaker.release();
          lastError = error;
          if (next) this.handOver(route, next, error);
          continue;
        }
        if (!isProviderFailure(error)) {
          breaker.success(); // the provider answered; the request was wrong
          throw error;
        }
        breaker.failure();
        lastError = error;
        if (next) this.handOver(route, next, error);
      }
    }
    throw lastError ?? Errors.providerUnavailable(routes[0]?.provider ?? 'unknown');
  }

  private handOver(from: ProviderRoute, to: ProviderRoute, error: GatewayError): void {
    this.metrics.fallback(from.provider, to.provider);
    this.options.onFallback?.(from, to, error);
  }

  private breakerOf(provider: string): CircuitBreaker {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      breaker = new CircuitBreaker(
        this.options.breakers?.[provider] ?? DEFAULT_BREAKER,
        this.options.now ?? Date.now,
        (from, to) => {
          this.metrics.breakerState(provider, to);
          this.options.onBreakerChange?.(provider, from, to);
        },
      );
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }
}

/**
 * Codes of errors that come from how this host is set up, not from a failing provider: a local engine
 * whose package is missing, a local model without a text model, a provider without a key. They never
 * count toward the circuit breaker (which would replace their "install X" / "configure Y" message by
 * `provider_unavailable`), but the model's fallbacks are still tried.
 */
const CONFIGURATION_ERRORS: ReadonlySet<string> = new Set([
  'engine_unavailable',
  'text_model_not_configured',
  'provider_not_configured',
]);

export function isConfigurationError(error: GatewayError): boolean {
  return error.status >= 500 && error.code !== null && CONFIGURATION_ERRORS.has(error.code);
}

/** A failure another provider might not have: 429 and every 5xx the adapter produced. */
export function isProviderFailure(error: GatewayError): boolean {
  return error.status === 429 || error.status >= 500;
}
