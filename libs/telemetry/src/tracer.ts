import { trace, type Tracer } from '@opentelemetry/api';

/** Instrumentation scope of every span Voxgate creates. */
export const TRACER_NAME = 'voxgate';

/** The global API's tracer: the SDK's once `startTelemetry` registered one, a no-op until then. */
export function voxgateTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
