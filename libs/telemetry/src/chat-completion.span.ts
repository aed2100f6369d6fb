import {
  context,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { errorStatusOf, errorTypeOf, safeAttributes, type SafeAttributeValue } from './safe-attributes';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, SPAN_CHAT_COMPLETION } from './telemetry.names';
import { voxgateTracer } from './tracer';

/** Incoming HTTP headers (Node's / Fastify's shape); only `traceparent` and `tracestate` are read. */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The completion span as the controller sees it. Every call is a no-op when the span is not recorded. */
export interface CompletionSpan {
  /** Adds attributes; they pass `safeAttributes` (unknown keys and secret-looking values are dropped). */
  set(attributes: Readonly<Record<string, SafeAttributeValue>>): void;
  /** Marks the request failed: status ERROR with `error.type` (a code, never the message). */
  fail(error: unknown): void;
}

/**
 * Runs `work` inside a `voxgate.chat.completion` span (kind SERVER). The span continues the client's
 * trace when the request carries a W3C `traceparent` header, and is the active span while `work` runs,
 * so upstream and tool spans started anywhere below it become its children. A throw marks the span
 * failed and is rethrown; the span ends when `work` settles (for a stream: after the last byte).
 */
export function traceChatCompletion<T>(
  headers: IncomingHeaders,
  attributes: Readonly<Record<string, SafeAttributeValue>>,
  work: (span: CompletionSpan) => Promise<T>,
): Promise<T> {
  return traceServerRequest(SPAN_CHAT_COMPLETION, headers, attributes, work);
}

/**
 * The same for another route's span (`voxgate.audio.speech`, `voxgate.audio.transcription`): a SERVER
 * span continuing the client's trace, active while `work` runs, failed on a throw.
 */
export function traceServerRequest<T>(
  name: string,
  headers: IncomingHeaders,
  attributes: Readonly<Record<string, SafeAttributeValue>>,
  work: (span: CompletionSpan) => Promise<T>,
): Promise<T> {
  // No tracer provider registered (tracing off): no span, context or propagation to keep, nothing to do.
  if (!tracingRegistered()) return work(UNRECORDED);
  return traced(name, headers, attributes, work);
}

/** The API's own no-op provider, which a proxy delegates to until a provider is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** True once a tracer provider is registered globally (`startTelemetry`, or a test's own). */
export function tracingRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_PROVIDER;
}

const UNRECORDED: CompletionSpan = { set: () => undefined, fail: () => undefined };

async function traced<T>(
  name: string,
  headers: IncomingHeaders,
  attributes: Readonly<Record<string, SafeAttributeValue>>,
  work: (span: CompletionSpan) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = voxgateTracer().startSpan(name, { kind: SpanKind.SERVER }, parent);
  const handle = completionSpan(span);
  handle.set(attributes);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(handle));
  } catch (error) {
    handle.fail(error);
    throw error;
  } finally {
    span.end();
  }
}

function completionSpan(span: Span): CompletionSpan {
  return {
    set(attributes) {
      if (span.isRecording()) span.setAttributes(safeAttributes(attributes));
    },
    fail(error) {
      if (!span.isRecording()) return;
      const type = errorTypeOf(error);
      span.setAttributes(
        safeAttributes({ [ATTR_ERROR_TYPE]: type, [ATTR_HTTP_RESPONSE_STATUS_CODE]: errorStatusOf(error) }),
      );
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    },
  };
}
