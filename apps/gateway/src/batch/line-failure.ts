import type { BatchLineResponse } from '@voxgate/batch';
import type { SecretRedactor } from '@voxgate/config';
import { toGatewayError } from '../http/error-response';
import type { JsonLogger } from '../infra/json-logger';
import { type GatewayMetrics, redisErrorKindOf } from '../metrics/gateway-metrics';

/**
 * A line that failed, as the HTTP error filter (`OpenAIExceptionFilter`) answers the same failure over
 * `POST /v1/chat/completions`: the same status and OpenAI envelope (configured secrets redacted from the
 * message), the same operator log (`unhandled error` with the stack, or `provider.failed` with the
 * diagnostics), the Redis outage counted; plus what the batch's retry logic reads from the error's
 * headers: `retry-after-ms` / `retry-after` and `x-should-retry: false`.
 */
export function lineFailure(
  thrown: unknown,
  line: { readonly requestId: string; readonly url: string; readonly bodyLimitBytes: number },
  deps: {
    readonly logger: JsonLogger;
    readonly redactor: SecretRedactor;
    readonly metrics: Pick<GatewayMetrics, 'redisError'>;
  },
): BatchLineResponse {
  const { error, unexpected } = toGatewayError(thrown, {
    method: 'POST',
    url: line.url,
    contentType: 'application/json',
    bodyLimit: line.bodyLimitBytes,
  });
  if (error.code === 'store_unavailable') deps.metrics.redisError(redisErrorKindOf(thrown));
  if (unexpected) {
    deps.logger.event('error', 'unhandled error', {
      requestId: line.requestId,
      door: 'batch',
      error:
        thrown instanceof Error ? { name: thrown.name, message: thrown.message, stack: thrown.stack } : String(thrown),
    });
  } else if (error.diagnostics) {
    deps.logger.event(error.status >= 500 ? 'warn' : 'debug', 'provider.failed', {
      requestId: line.requestId,
      door: 'batch',
      status: error.status,
      code: error.code,
      message: error.message,
      ...error.diagnostics,
    });
  }
  const body = error.toJSON();
  body.error.message = deps.redactor.redact(body.error.message);
  return {
    statusCode: error.status,
    requestId: line.requestId,
    body,
    retryAfterMs: retryAfterMs(error.headers['retry-after-ms'], error.headers['retry-after']),
    shouldRetry: error.headers['x-should-retry'] === 'false' ? false : null,
  };
}

/** `retry-after-ms` (ms) first, then `retry-after` (seconds); null when neither is a number. */
export function retryAfterMs(ms: string | undefined, seconds: string | undefined): number | null {
  const fromMs = ms === undefined ? NaN : Number(ms);
  if (Number.isFinite(fromMs) && fromMs >= 0) return fromMs;
  const fromSeconds = seconds === undefined ? NaN : Number(seconds);
  return Number.isFinite(fromSeconds) && fromSeconds >= 0 ? fromSeconds * 1000 : null;
}
