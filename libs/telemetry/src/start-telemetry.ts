import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * The OpenTelemetry SDK, loaded only when tracing starts: with `exporter: none` (the default) the gateway
 * never loads it (about 15 MB of RSS with the OTLP exporter, docs/performance.md "Memory"); every span
 * call then hits the API's no-op tracer.
 */
const load = createRequire(__filename);
const sdkCore = () => load('@opentelemetry/core') as typeof import('@opentelemetry/core');
const sdkResources = () => load('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
const sdkTraceBase = () => load('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
const sdkTraceNode = () => load('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
const otlpExporter = () =>
  load('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');

/** The `telemetry` config section (libs/config), restated so this lib depends on no other. */
export interface TelemetrySettings {
  /** `none`: nothing is started and the tracing API stays a no-op; `otlp`: OTLP/HTTP JSON; `console`: stdout. */
  readonly exporter: 'none' | 'otlp' | 'console';
  /** Collector URL for `otlp`; empty: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly otlpEndpoint: string;
  /** Share of new traces recorded (0..1); a client's sampled/unsampled `traceparent` decides for its own. */
  readonly sampleRatio: number;
  /** `service.name` of the resource. */
  readonly serviceName: string;
}

/** Facts about the running process for the resource. */
export interface ServiceInfo {
  /** `service.version`, usually package.json's version (`serviceVersionOf`). */
  readonly version: string;
}

/** What `startTelemetry` returns; `main.ts` keeps it to flush on exit. */
export interface TelemetryHandle {
  /** False with `exporter: none`: no provider was registered. */
  readonly enabled: boolean;
  /** Exports every finished span now (tests; a process about to exit uses `shutdown`). */
  forceFlush(): Promise<void>;
  /** Exports what is pending, stops the exporter and unregisters the global provider. Idempotent. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  /** Replaces the exporter `settings.exporter` names (tests pass an `InMemorySpanExporter`). */
  readonly spanExporter?: SpanExporter;
  /** Where the SDK's own warnings go (failed exports, bad endpoint), e.g. the JSON logger. */
  readonly onWarning?: (message: string) => void;
}

const DISABLED: TelemetryHandle = {
  enabled: false,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Starts tracing for this process, before anything creates spans. Registers a `NodeTracerProvider` (the
 * SDK's `BasicTracerProvider` plus the AsyncLocalStorage context manager, so child spans find their parent
 * across awaits) as the global provider, the W3C Trace Context propagator (incoming `traceparent` headers
 * continue the client's trace), a `ParentBased(TraceIdRatioBased(sampleRatio))` sampler and a
 * `BatchSpanProcessor` (which honours `OTEL_BSP_*`). No auto-instrumentation is loaded: spans are the
 * gateway's own (see `telemetry.names.ts`).
 *
 * With `exporter: none` it does nothing at all: every span call in the gateway hits the API's no-op tracer.
 */
export function startTelemetry(
  settings: TelemetrySettings,
  service: ServiceInfo,
  options: TelemetryOptions = {},
): TelemetryHandle {
  const exporter = options.spanExporter ?? exporterFor(settings);
  if (!exporter) return DISABLED;
  if (options.onWarning) {
    const warn = options.onWarning;
    diag.setLogger(
      { error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined },
      DiagLogLevel.WARN,
    );
  }
  const provider = new (sdkTraceNode().NodeTracerProvider)({
    resource: sdkResources().resourceFromAttributes({
      'service.name': settings.serviceName,
      'service.version': service.version,
      'service.instance.id': randomUUID(),
    }),
    sampler: createSampler(settings.sampleRatio),
    spanProcessors: [new (sdkTraceBase().BatchSpanProcessor)(exporter)],
  });
  provider.register({ propagator: new (sdkCore().W3CTraceContextPropagator)() });

  let stopped: Promise<void> | null = null;
  return {
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    shutdown: () =>
      (stopped ??= provider
        .shutdown()
        // A collector that is gone must not turn a clean exit into a failed one: the spans are lost, said once.
        .catch((error: unknown) => {
          options.onWarning?.(
            `spans not exported at shutdown: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(() => {
          trace.disable();
          context.disable();
          propagation.disable();
          diag.disable();
        })),
  };
}

/** `ParentBased(TraceIdRatioBased(ratio))`: a root span is kept with probability `ratio`; children follow their parent. */
export function createSampler(ratio: number): Sampler {
  const { ParentBasedSampler, TraceIdRatioBasedSampler } = sdkTraceBase();
  return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
}

/**
 * The OTLP traces URL for a configured endpoint: a URL whose path already ends in `/v1/traces` is used
 * as is, otherwise `/v1/traces` is appended (as for `OTEL_EXPORTER_OTLP_ENDPOINT`).
 */
export function otlpTracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/v1\/traces$/.test(trimmed) ? trimmed : `${trimmed}/v1/traces`;
}

/** `version` of a package.json, or `unknown` when it cannot be read. */
export function serviceVersionOf(packageJsonPath: string): string {
  try {
    const { version } = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
    return typeof version === 'string' && version.length > 0 ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function exporterFor(settings: TelemetrySettings): SpanExporter | null {
  switch (settings.exporter) {
    case 'none':
      return null;
    case 'console':
      return new (sdkTraceBase().ConsoleSpanExporter)();
    case 'otlp':
      // No `url`: the exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, then OTEL_EXPORTER_OTLP_ENDPOINT.
      return new (otlpExporter().OTLPTraceExporter)(
        settings.otlpEndpoint ? { url: otlpTracesUrl(settings.otlpEndpoint) } : {},
      );
  }
}
