import type { BatchLine, BatchLineContext, BatchLineExecutor, BatchLineResponse } from '@voxgate/batch';
import { Errors } from '@voxgate/openai-wire';
import type { FastifyInstance } from 'fastify';
import type { InternalCaller } from '../auth/internal-caller';

/**
 * Runs a batch line as an HTTP request to this very gateway, through Fastify's `inject` (in process, no
 * socket): the line goes through the same guard, validation, quotas, metering, sessions and server tools
 * as a client's `POST /v1/chat/completions`, and fails with the same error bodies.
 *
 * The request runs as the key that created the batch (`InternalCaller`), with the line's `session_id` as
 * `X-Session-Id` and the batch-derived `Idempotency-Key`.
 */
export class InjectLineExecutor implements BatchLineExecutor {
  constructor(
    private readonly fastify: FastifyInstance,
    private readonly internal: InternalCaller,
  ) {}

  async execute(line: BatchLine, context: BatchLineContext): Promise<BatchLineResponse> {
    const response = await this.fastify.inject({
      method: 'POST',
      url: line.url,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': context.idempotencyKey,
        ...(line.sessionId ? { 'x-session-id': line.sessionId } : {}),
        ...this.internal.headersFor(context.keyId),
      },
      payload: JSON.stringify(line.body),
    });
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = Errors.internal().toJSON();
    }
    return {
      statusCode: response.statusCode,
      requestId: header('x-request-id') ?? '',
      body,
      retryAfterMs: retryAfterMs(header('retry-after-ms'), header('retry-after')),
      shouldRetry: header('x-should-retry') === 'false' ? false : null,
    };
  }
}

/** `retry-after-ms` (ms) first, then `retry-after` (seconds); null when neither is a number. */
function retryAfterMs(ms: string | undefined, seconds: string | undefined): number | null {
  const fromMs = ms === undefined ? NaN : Number(ms);
  if (Number.isFinite(fromMs) && fromMs >= 0) return fromMs;
  const fromSeconds = seconds === undefined ? NaN : Number(seconds);
  return Number.isFinite(fromSeconds) && fromSeconds >= 0 ? fromSeconds * 1000 : null;
}
