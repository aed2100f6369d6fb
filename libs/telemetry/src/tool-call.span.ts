import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { safeAttributes } from './safe-attributes';
import {
  ATTR_ERROR_TYPE,
  ATTR_TOOL_EFFECT,
  ATTR_TOOL_NAME,
  ATTR_TOOL_REPLAYED,
  ATTR_TOOL_STATUS,
  SPAN_TOOL_CALL,
} from './telemetry.names';
import { voxgateTracer } from './tracer';

/** One finished server tool call, as the gateway knows it after the executor returned. */
export interface ToolCallRecord {
  /** Registered tool name. */
  readonly name: string;
  /** `ok`, `error`, `pending`, `confirmation_required`, … */
  readonly status: string;
  readonly replayed: boolean;
  /** `read`, `idempotent`, `side_effect`; absent when the name matched no tool. */
  readonly effect?: string;
  /** The outcome's error code (`invalid_arguments`, `timeout`, …) when `status` is `error`. */
  readonly errorCode?: string;
  /** When the call started, epoch ms. */
  readonly startedAt: number;
  /** How long it took, as the executor measured it. */
  readonly durationMs: number;
}

/**
 * Records a `voxgate.tool.call` span (kind INTERNAL) after the fact, with the call's real start time and
 * duration, as a child of the active span (the chat completion). Never records arguments or results.
 */
export function recordToolCallSpan(call: ToolCallRecord): void {
  const span = voxgateTracer().startSpan(
    SPAN_TOOL_CALL,
    { kind: SpanKind.INTERNAL, startTime: call.startedAt },
    context.active(),
  );
  if (span.isRecording()) {
    span.setAttributes(
      safeAttributes({
        [ATTR_TOOL_NAME]: call.name,
        [ATTR_TOOL_STATUS]: call.status,
        [ATTR_TOOL_REPLAYED]: call.replayed,
        [ATTR_TOOL_EFFECT]: call.effect,
        [ATTR_ERROR_TYPE]: call.status === 'error' ? (call.errorCode ?? 'tool_error') : undefined,
      }),
    );
    if (call.status === 'error')
      span.setStatus({ code: SpanStatusCode.ERROR, message: call.errorCode ?? 'tool_error' });
  }
  span.end(call.startedAt + call.durationMs);
}
