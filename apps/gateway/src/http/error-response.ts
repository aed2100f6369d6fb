import { HttpException } from '@nestjs/common';
import { Errors, GatewayError } from '@voxgate/openai-wire';
import { isRedisOutage } from '../infra/redis-outage';

/** What the error mapping needs to know about the request that failed. */
export interface FailedRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  bodyLimit: number;
}

/**
 * Any thrown value → the `GatewayError` to write. Known causes keep their meaning (Fastify's body
 * errors, as Fastify raises them on a route registered on it directly or rewrapped by Nest as bare
 * `HttpException`s, routing 404s, Redis outages); anything unexpected is a generic 500 whose details go to
 * the log only.
 */
export function toGatewayError(error: unknown, request: FailedRequest): { error: GatewayError; unexpected: boolean } {
  if (error instanceof GatewayError) return { error, unexpected: false };
  const known = fromHttpException(error, request) ?? fromRedis(error);
  return known ? { error: known, unexpected: false } : { error: Errors.internal(), unexpected: true };
}

/** The status of an `HttpException`, or of Fastify's own errors (`FST_…` codes with a `statusCode`). */
function httpStatusOf(error: unknown): number | null {
  if (error instanceof HttpException) return error.getStatus();
  if (!(error instanceof Error)) return null;
  const { code, statusCode } = error as Error & { code?: unknown; statusCode?: unknown };
  return typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' ? statusCode : null;
}

function fromHttpException(error: unknown, request: FailedRequest): GatewayError | null {
  const status = httpStatusOf(error);
  if (status === null || !(error instanceof Error)) return null;
  const path = request.url.split('?')[0] ?? request.url;
  switch (status) {
    case 404:
      return Errors.routeNotFound(request.method, path);
    case 405:
      return Errors.methodNotAllowed(request.method, path);
    case 413:
      return Errors.bodyTooLarge(request.bodyLimit);
    case 415:
      return Errors.unsupportedMediaType(request.contentType ?? 'none');
    case 400:
      return /JSON|body/i.test(error.message)
        ? Errors.invalidJson(error.message)
        : Errors.invalidRequest(error.message, null, null);
  }
  return status < 500 ? new GatewayError(status, 'invalid_request_error', null, error.message) : null;
}

function fromRedis(error: unknown): GatewayError | null {
  return isRedisOutage(error) ? Errors.storeUnavailable() : null;
}
