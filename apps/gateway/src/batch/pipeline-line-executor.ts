import {
  type BatchLine,
  type BatchLineContext,
  type BatchLineExecutor,
  type BatchLineResponse,
  streamingRefused,
  SUPPORTED_BATCH_ENDPOINT,
} from '@voxgate/batch';
import type { SecretRedactor } from '@voxgate/config';
import { Errors, GatewayError, parseChatCompletionRequest } from '@voxgate/openai-wire';
import type { AuthenticateKeyId, Principal } from '@voxgate/tenancy';
import type { CompletionDoor, CompletionPipeline } from '../chat/completion-pipeline';
import { requestIdFor } from '../http/request-id';
import type { JsonLogger } from '../infra/json-logger';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { lineFailure } from './line-failure';

export interface PipelineLineExecutorOptions {
  readonly pipeline: CompletionPipeline;
  /** Re-reads the batch's key at every line: a key revoked since the batch was created makes 401 lines. */
  readonly authenticateKeyId: AuthenticateKeyId;
  readonly logger: JsonLogger;
  /** Takes configured secrets out of error messages, as the HTTP error filter does. */
  readonly redactor: SecretRedactor;
  readonly metrics: Pick<GatewayMetrics, 'redisError'>;
  /** `server.bodyLimitBytes`: a line whose body is larger is a 413 line, as the same body over HTTP. */
  readonly bodyLimitBytes: number;
}

/**
 * `BatchLineExecutor` over the completion pipeline, called in process (issue #15, ADR 0018): a batch line
 * is one chat completion admitted, metered, settled, stored in its session and traced exactly as
 * `POST /v1/chat/completions`, with the same status and error body for the same body.
 *
 * What the HTTP door does before the pipeline, this door does in the same order: the body limit, the key
 * (the batch's creator, by id: it must still exist, and have the `client` scope), then the body through
 * `ChatCompletionRequestSchema`. The line's `session_id` is the session (`X-Session-Id`), the
 * batch-derived key its `Idempotency-Key` (a line re-run after a crash replays its side-effecting tools
 * and stores its session turn once). Each execution has its own request id (`req_…`), reported in the
 * output line and keying its usage event. Failures become the status, body and retry headers the HTTP
 * error filter would write (`lineFailure`); the batch's retry logic reads them.
 *
 * `"stream": true` lines are refused before any of this (`ProcessBatch`, as OpenAI's Batch API has no
 * streaming); this door refuses them again rather than meter a stream nobody reads.
 */
export class PipelineLineExecutor implements BatchLineExecutor {
  constructor(private readonly options: PipelineLineExecutorOptions) {}

  async execute(line: BatchLine, context: BatchLineContext): Promise<BatchLineResponse> {
    const requestId = requestIdFor();
    try {
      if (line.url !== SUPPORTED_BATCH_ENDPOINT) throw Errors.routeNotFound('POST', line.url);
      if (Buffer.byteLength(JSON.stringify(line.body)) > this.options.bodyLimitBytes)
        throw Errors.bodyTooLarge(this.options.bodyLimitBytes);
      const principal = clientScoped(await this.options.authenticateKeyId.execute(context.keyId));
      const request = parseChatCompletionRequest(line.body);
      if (request.stream === true) throw streamingRefused();
      const body = await this.options.pipeline.execute(
        {
          principal,
          request,
          requestId,
          sessionId: line.sessionId ?? undefined,
          idempotencyKey: `idem:${context.idempotencyKey}`,
          confirmationToken: null,
          abort: new AbortController(),
          traceHeaders: {},
        },
        this.door(requestId, line, context, principal),
      );
      if (body === undefined) throw Errors.internal();
      return { statusCode: 200, requestId, body };
    } catch (error) {
      const failure = lineFailure(
        error,
        { requestId, url: line.url, bodyLimitBytes: this.options.bodyLimitBytes },
        this.options,
      );
      // The access line an HTTP request that failed would have had (its status and error code, no body).
      this.options.logger.event('info', 'batch.line.failed', {
        requestId,
        door: 'batch',
        batchId: context.batchId,
        line: line.lineNumber,
        tenantId: context.tenantId,
        keyId: context.keyId,
        status: failure.statusCode,
        code: (failure.body as { error: { code: string | null } }).error.code,
      });
      return failure;
    }
  }

  /** The JSON door: response headers have nowhere to go (the output line holds status, id and body); it logs. */
  private door(requestId: string, line: BatchLine, context: BatchLineContext, principal: Principal): CompletionDoor {
    const started = performance.now();
    return {
      admitted: () => undefined,
      json: () => undefined,
      // Unreachable: streamed lines are refused above. Throwing makes the pipeline settle it as interrupted.
      stream: () => Promise.reject(streamingRefused()),
      elapsedSeconds: () => (performance.now() - started) / 1000,
      log: (route, entry) =>
        this.options.logger.event('info', 'chat.completion', {
          requestId,
          door: 'batch',
          batchId: context.batchId,
          line: line.lineNumber,
          tenantId: principal.tenantId,
          keyId: principal.keyId,
          model: route.model,
          provider: route.provider,
          upstreamRequestId: route.upstreamRequestId,
          end: entry.end,
          usage: entry.usage,
          durationMs: Math.round(entry.durationMs * 100) / 100,
        }),
    };
  }
}

/** The HTTP guard's scope rule for `/v1/chat/completions`: a `client` key, else 403. */
function clientScoped(principal: Principal): Principal {
  if (principal.scope === 'client') return principal;
  throw new GatewayError(
    403,
    'invalid_request_error',
    'insufficient_permissions',
    `This key has the '${principal.scope}' scope; this endpoint needs a key with the 'client' scope.`,
  );
}
