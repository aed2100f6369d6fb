import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify `genReqId`: keeps a well-formed `x-request-id` sent by the client (so its logs and ours join),
 * otherwise issues `req_<32 hex>` like OpenAI. Anything else in the header is ignored, not echoed.
 */
export function requestIdFor(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  if (typeof sent === 'string' && CLIENT_ID.test(sent)) return sent;
  return `req_${randomBytes(16).toString('hex')}`;
}
