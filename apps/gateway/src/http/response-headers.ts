import type { FastifyReply } from 'fastify';
import { clientRequestIdOf } from './request-id';

/** The REST API version OpenAI reports in `openai-version`; clients and proxies sometimes log it. */
const OPENAI_VERSION = '2020-10-01';

/**
 * Headers every response carries, streamed or not: `x-request-id` (the gateway's id, exposed by the
 * SDKs as `_request_id`), `x-client-request-id` (the client's correlation id, when it sent a well-formed
 * one), `openai-processing-ms` (time from receipt to the first byte of the answer) and `openai-version`.
 */
export function openaiHeaders(reply: FastifyReply): Record<string, string> {
  const clientRequestId = clientRequestIdOf(reply.request.headers);
  const headers: Record<string, string> = { 'x-request-id': reply.request.id };
  if (clientRequestId) headers['x-client-request-id'] = clientRequestId;
  headers['openai-processing-ms'] = String(Math.max(0, Math.round(reply.elapsedTime)));
  headers['openai-version'] = OPENAI_VERSION;
  return headers;
}

/**
 * The same headers set on `reply` directly (the `onSend` hook of every non-hijacked response), without
 * building the object `openaiHeaders` returns.
 */
export function setOpenaiHeaders(reply: FastifyReply): void {
  const clientRequestId = clientRequestIdOf(reply.request.headers);
  void reply.header('x-request-id', reply.request.id);
  if (clientRequestId) void reply.header('x-client-request-id', clientRequestId);
  void reply
    .header('openai-processing-ms', String(Math.max(0, Math.round(reply.elapsedTime))))
    .header('openai-version', OPENAI_VERSION);
}
