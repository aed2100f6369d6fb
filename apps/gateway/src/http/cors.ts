import type { GatewayConfig } from '@voxgate/config';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Request headers a page may send (the SDKs' own `x-stainless-*` telemetry headers match by prefix). */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-session-id',
  'idempotency-key',
  'x-client-request-id',
  'x-request-id',
  'openai-organization',
  'openai-project',
  'openai-beta',
  'traceparent',
  'tracestate',
] as const;

/** Response headers a page may read: the request id and the rate-limit headers. */
export const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'x-client-request-id',
  'openai-processing-ms',
  'openai-version',
  'retry-after',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
].join(', ');

const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/**
 * CORS for the public `/v1` routes (ADR 0015).
 *
 * - Preflight (`OPTIONS /v1/…`) carries no key, so no tenant is known: it is answered from the
 *   gateway-wide `server.cors.origins` — 204 with `Access-Control-Allow-*` for a listed origin, 403 in
 *   OpenAI's envelope (and no CORS header) for any other or for a missing `Origin`.
 * - Actual requests from a listed origin get `Access-Control-Allow-Origin` (that origin, never `*`),
 *   `Vary: Origin` and `Access-Control-Expose-Headers`; the tenant's own `cors_origins` is enforced
 *   after authentication (`OriginPolicy`), so a listed origin still reaches only the tenants that allow it.
 *
 * No credentials mode (`Allow-Credentials`): keys travel in `Authorization`, never in cookies.
 */
export function registerCors(fastify: FastifyInstance, config: GatewayConfig): void {
  const origins = new Set(config.server.cors.origins);
  const maxAge = String(config.server.cors.maxAgeSeconds);

  fastify.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin !== undefined && origins.has(origin) && isPublicApi(request.url)) {
      void reply.header('vary', 'Origin').header('access-control-allow-origin', origin);
      if (request.method !== 'OPTIONS') void reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS);
    }
    done();
  });

  fastify.options('/v1/*', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !origins.has(origin)) {
      return reply
        .status(403)
        .header('content-type', 'application/json; charset=utf-8')
        .send({
          error: {
            message:
              origin === undefined
                ? 'A CORS preflight needs an Origin header.'
                : `The origin '${origin.slice(0, 200)}' is not allowed to call this gateway from a browser: the operator lists allowed origins in server.cors.origins.`,
            type: 'invalid_request_error',
            param: null,
            code: 'origin_not_allowed',
          },
        });
    }
    return reply
      .status(204)
      .headers({
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': allowedHeaders(request.headers['access-control-request-headers']),
        'access-control-max-age': maxAge,
      })
      .send();
  });
}

function isPublicApi(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?');
}

/** The fixed list, plus the requested `x-stainless-*` headers the official SDKs send from a browser. */
function allowedHeaders(requested: string | undefined): string {
  const extra = (requested ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => /^x-stainless-[a-z0-9-]{1,64}$/.test(name))
    .slice(0, 32);
  return [...CORS_ALLOWED_HEADERS, ...new Set(extra)].join(', ');
}
