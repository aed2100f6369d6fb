import type { IncomingHttpHeaders } from 'node:http';
import { randomHex } from './random-hex';

/** What a client may send as its own correlation id (OpenAI takes up to 512 ASCII characters). */
const CLIENT_ID = /^[\x21-\x7e]{1,512}$/;

/**
 * Fastify `genReqId`: every request gets an id the gateway owns, `req_<32 hex>` like OpenAI's. Metering,
 * sessions, tool idempotency and traces key on it, so nothing a client sends can make two requests
 * share one (a reused id would otherwise collapse their usage events into one). 128 random bits from a
 * pooled CSPRNG (`randomHex`).
 */
export function requestIdFor(): string {
  return `req_${randomHex(16)}`;
}

/**
 * The client's own correlation id, for joining its logs with ours and nothing else: `X-Client-Request-Id`
 * (the header OpenAI's SDKs send), else a legacy `x-request-id`. Echoed back as `x-client-request-id`
 * and logged; malformed values are ignored, never echoed.
 */
export function clientRequestIdOf(headers: IncomingHttpHeaders): string | undefined {
  for (const name of ['x-client-request-id', 'x-request-id']) {
    const sent = headers[name];
    if (typeof sent === 'string' && CLIENT_ID.test(sent)) return sent;
  }
  return undefined;
}
