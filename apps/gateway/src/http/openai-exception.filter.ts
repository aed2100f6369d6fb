import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { SecretRedactor } from '@voxgate/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLogger } from '../infra/json-logger';
import { type GatewayMetrics, redisErrorKindOf } from '../metrics/gateway-metrics';
import { ClientDisconnectedError } from './client-abort';
import { toGatewayError } from './error-response';
import { openaiHeaders } from './response-headers';

/**
 * Every error leaves as OpenAI's envelope with the right status. Nest routes Fastify's own errors
 * (unparsable or oversized bodies) and unknown routes through global filters too, so this is the
 * single exit for failures: the last place a configured secret is taken out of a message, and where
 * provider failures are logged with what an operator needs (provider, host, upstream status and code).
 */
@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly logger: JsonLogger,
    private readonly bodyLimit: number,
    private readonly redactor: SecretRedactor,
    /** Counts requests that failed because Redis did not answer (`voxgate_redis_errors_total`). */
    private readonly metrics?: Pick<GatewayMetrics, 'redisError'>,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    this.send(exception, context.getRequest<FastifyRequest>(), context.getResponse<FastifyReply>());
  }

  send(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    // Nobody is left to answer; the access log records the request's end.
    if (exception instanceof ClientDisconnectedError) return;
    const { error, unexpected } = toGatewayError(exception, {
      method: request.method,
      url: request.url,
      contentType: request.headers['content-type'],
      bodyLimit: this.bodyLimit,
    });
    if (error.code === 'store_unavailable') this.metrics?.redisError(redisErrorKindOf(exception));
    if (unexpected) {
      this.logger.event('error', 'unhandled error', {
        requestId: request.id,
        error:
          exception instanceof Error
            ? { name: exception.name, message: exception.message, stack: exception.stack }
            : String(exception),
      });
    } else if (error.diagnostics) {
      this.logger.event(error.status >= 500 ? 'warn' : 'debug', 'provider.failed', {
        requestId: request.id,
        status: error.status,
        code: error.code,
        message: error.message,
        ...error.diagnostics,
      });
    }
    if (reply.sent || reply.raw.headersSent) return;
    const body = error.toJSON();
    body.error.message = this.redactor.redact(body.error.message);
    void reply
      .status(error.status)
      .headers({ ...openaiHeaders(reply), ...error.headers, 'content-type': 'application/json; charset=utf-8' })
      .send(body);
  }
}
