import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { errorStatusOf, errorTypeOf, safeAttributes } from './safe-attributes';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_OUTCOME,
  ATTR_PROVIDER,
  ATTR_STREAM,
  ATTR_UPSTREAM_REQUEST_ID,
  SPAN_UPSTREAM_CALL,
} from './telemetry.names';
import { voxgateTracer } from './tracer';

/** Which upstream call starts. */
export interface UpstreamCallStart {
  /** Provider id from the config. */
  readonly provider: string;
  /** The model name sent upstream. */
  readonly model: string;
  readonly stream: boolean;
}

/** How it ended. Usage is the wire `usage` object (only its two totals are read). */
export interface UpstreamCallFinish {
  readonly outcome: 'ok' | 'error' | 'cancelled';
  readonly error?: unknown;
  readonly upstreamRequestId?: string | null;
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number } | null;
}

/**
 * Traces provider calls as `voxgate.upstream.call` spans (kind CLIENT), children of the active span.
 * It has the shape of libs/conversation's `UpstreamCallObserver`, which the gateway hands it to, so
 * neither lib imports the other.
 */
export class UpstreamCallTracer {
  upstreamCall(call: UpstreamCallStart): (finish: UpstreamCallFinish) => void {
    const span = voxgateTracer().startSpan(SPAN_UPSTREAM_CALL, { kind: SpanKind.CLIENT }, context.active());
    if (span.isRecording()) {
      span.setAttributes(
        safeAttributes({
          [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [ATTR_GEN_AI_SYSTEM]: call.provider,
          [ATTR_PROVIDER]: call.provider,
          [ATTR_GEN_AI_REQUEST_MODEL]: call.model,
          [ATTR_STREAM]: call.stream,
        }),
      );
    }
    let ended = false;
    return (finish) => {
      if (ended) return;
      ended = true;
      if (span.isRecording()) {
        span.setAttributes(
          safeAttributes({
            [ATTR_OUTCOME]: finish.outcome,
            [ATTR_UPSTREAM_REQUEST_ID]: finish.upstreamRequestId,
            [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: finish.usage?.prompt_tokens,
            [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: finish.usage?.completion_tokens,
          }),
        );
        if (finish.outcome === 'error') {
          const type = errorTypeOf(finish.error);
          span.setAttributes(
            safeAttributes({ [ATTR_ERROR_TYPE]: type, [ATTR_HTTP_RESPONSE_STATUS_CODE]: errorStatusOf(finish.error) }),
          );
          span.setStatus({ code: SpanStatusCode.ERROR, message: type });
        }
      }
      span.end();
    };
  }
}
