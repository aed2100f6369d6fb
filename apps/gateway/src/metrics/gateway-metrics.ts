import {
  type Counter,
  type CounterSeries,
  type GaugeSeries,
  type Histogram,
  type HistogramSeries,
  LATENCY_BUCKETS,
  type MetricsRegistry,
  OVERFLOW_LABEL_VALUE,
} from '@voxgate/metrics';

/** HTTP methods kept as label values; anything else is `other` (the method is the client's string). */
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The `route` label of a request that matched no route (404s of unknown paths). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Where one chat completion reports its first byte and its first audio. */
export interface CompletionTiming {
  readonly firstByte: HistogramSeries;
  readonly firstAudio: HistogramSeries;
}

/** Why a Redis command or connection failed, as `voxgate_redis_errors_total{kind}` counts it. */
export type RedisErrorKind = 'connection' | 'timeout' | 'unavailable';

/**
 * The gateway's own Prometheus families (the libs register theirs: usage, tools, providers), on the
 * process's registry. Every label value is bounded: route patterns, a fixed method list, status classes,
 * catalogue model ids, the tenancy lib's limit names, a fixed kind list.
 *
 * - `voxgate_http_request_duration_seconds{route,method,status_class}`: every HTTP response, from the
 *   request's arrival to the last byte written (a stream: its whole life). `route` is the route pattern
 *   (`/v1/files/:file_id`), `unmatched` for unknown paths.
 * - `voxgate_time_to_first_byte_seconds{model,stream}`: chat completions, from the request's arrival to
 *   the first event handed to the SSE writer (`stream="true"`) or the JSON answer being ready.
 * - `voxgate_time_to_first_audio_seconds{model}`: chat completions that return audio, from the request's
 *   arrival to the first audio data delta handed to the SSE writer, or the JSON answer being ready.
 * - `voxgate_quota_refusals_total{limit,scope,enforced}`: admissions a quota refused (`enforced="false"`:
 *   `quotas.dryRun` let it through).
 * - `voxgate_overlapped_admissions_total{outcome}`: chat completions sent to their provider while their
 *   admission ran (`quotas.overlapAdmission`), `granted` or `refused` (a provider call cancelled by the refusal).
 * - `voxgate_redis_errors_total{kind}`: `connection` (the client's `error` events: refused, reset, DNS),
 *   `timeout` and `unavailable` (commands that failed for a request or an outbox write).
 * - `voxgate_batch_lines_in_flight`: batch lines this process is running now.
 */
export class GatewayMetrics {
  private readonly http: Histogram<'route' | 'method' | 'status_class'>;
  private readonly httpSeries = new Map<string, Map<string, HistogramSeries[]>>();
  private readonly firstByte: Histogram<'model' | 'stream'>;
  private readonly firstAudio: Histogram<'model'>;
  private readonly quotaRefusals: Counter<'limit' | 'scope' | 'enforced'>;
  private readonly redisErrors: Counter<'kind'>;
  private readonly overlapped: { readonly granted: CounterSeries; readonly refused: CounterSeries };
  readonly batchLinesInFlight: GaugeSeries;
  private readonly models: ReadonlySet<string>;
  private readonly streamTimings = new Map<string, CompletionTiming>();
  private readonly jsonTimings = new Map<string, CompletionTiming>();

  /** `models`: the catalogue's model ids, the only values the `model` label takes. */
  constructor(registry: MetricsRegistry, models: Iterable<string>) {
    this.models = new Set(models);
    this.http = registry.histogram({
      name: 'voxgate_http_request_duration_seconds',
      help: 'HTTP requests from arrival to the last byte, by route pattern, method and status class.',
      labelNames: ['route', 'method', 'status_class'],
      buckets: LATENCY_BUCKETS,
    });
    this.firstByte = registry.histogram({
      name: 'voxgate_time_to_first_byte_seconds',
      help: 'Chat completions from arrival to the first event written (stream) or the answer ready (JSON).',
      labelNames: ['model', 'stream'],
      buckets: LATENCY_BUCKETS,
    });
    this.firstAudio = registry.histogram({
      name: 'voxgate_time_to_first_audio_seconds',
      help: 'Chat completions with audio from arrival to the first audio delta written (stream) or the answer ready (JSON).',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
    });
    this.quotaRefusals = registry.counter({
      name: 'voxgate_quota_refusals_total',
      help: 'Requests a quota refused, by limit and scope; enforced="false" in quotas.dryRun.',
      labelNames: ['limit', 'scope', 'enforced'],
    });
    const overlapped = registry.counter({
      name: 'voxgate_overlapped_admissions_total',
      help: 'Chat completions sent to their provider while their admission ran, by outcome (granted, refused).',
      labelNames: ['outcome'],
    });
    this.overlapped = {
      granted: overlapped.labels({ outcome: 'granted' }),
      refused: overlapped.labels({ outcome: 'refused' }),
    };
    this.redisErrors = registry.counter({
      name: 'voxgate_redis_errors_total',
      help: 'Redis connection errors and commands that failed or timed out.',
      labelNames: ['kind'],
    });
    this.batchLinesInFlight = registry
      .gauge({ name: 'voxgate_batch_lines_in_flight', help: 'Batch lines this process is running now.' })
      .labels({});
  }

  /** Called for every response: series are cached per route, method and status class (no string built). */
  httpRequest(route: string | undefined, method: string, status: number, seconds: number): void {
    const pattern = route ?? UNMATCHED_ROUTE;
    let byMethod = this.httpSeries.get(pattern);
    if (!byMethod) {
      byMethod = new Map();
      this.httpSeries.set(pattern, byMethod);
    }
    const knownMethod = METHODS.has(method) ? method : 'other';
    let byClass = byMethod.get(knownMethod);
    if (!byClass) {
      byClass = [];
      byMethod.set(knownMethod, byClass);
    }
    const statusClass = Math.trunc(status / 100);
    let series = byClass[statusClass];
    if (!series) {
      series = this.http.labels({ route: pattern, method: knownMethod, status_class: `${statusClass}xx` });
      byClass[statusClass] = series;
    }
    series.observe(seconds);
  }

  /** The series a chat completion of `model` reports its first byte and first audio to (cached per model). */
  completion(model: string, stream: boolean): CompletionTiming {
    const cache = stream ? this.streamTimings : this.jsonTimings;
    let timing = cache.get(model);
    if (!timing) {
      const known = this.models.has(model) ? model : OVERFLOW_LABEL_VALUE;
      timing = {
        firstByte: this.firstByte.labels({ model: known, stream: String(stream) }),
        firstAudio: this.firstAudio.labels({ model: known }),
      };
      if (known !== OVERFLOW_LABEL_VALUE) cache.set(model, timing);
    }
    return timing;
  }

  quotaRefused(limit: string, scope: string, enforced: boolean): void {
    this.quotaRefusals.inc({ limit, scope, enforced: String(enforced) });
  }

  /** A chat completion whose provider call left before its admission was decided, and that decision. */
  overlappedAdmission(granted: boolean): void {
    (granted ? this.overlapped.granted : this.overlapped.refused).inc();
  }

  redisError(kind: RedisErrorKind): void {
    this.redisErrors.inc({ kind });
  }
}

/** A failed command's kind: `timeout` when Redis did not answer in time, else `unavailable`. */
export function redisErrorKindOf(error: unknown): RedisErrorKind {
  return error instanceof Error && /Command timed out|ETIMEDOUT/.test(error.message) ? 'timeout' : 'unavailable';
}
