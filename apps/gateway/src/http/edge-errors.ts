import type { Socket } from 'node:net';
import { Errors, type GatewayError } from '@voxgate/openai-wire';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { openaiHeaders } from './response-headers';

/**
 * Longest path parameter the router accepts (Fastify's default is 100). Every id Voxgate issues or
 * accepts (`X-Session-Id` up to 128 characters, `file-…`, `batch_…`, `key_…`) fits with room to spare;
 * a longer segment is a 414 in OpenAI's envelope.
 */
export const MAX_PARAM_CHARS = 512;

/**
 * Fastify's `frameworkErrors`: failures the router meets before any route or Nest filter runs (a path
 * with malformed percent-encoding, an over-long path parameter). They leave in OpenAI's envelope, with
 * the usual headers, like every other error.
 */
export function sendFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const gatewayError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? Errors.uriTooLong(MAX_PARAM_CHARS)
      : error.code === 'FST_ERR_BAD_URL'
        ? Errors.invalidUrl()
        : Errors.malformedHttp();
  void reply
    .status(gatewayError.status)
    .headers({ ...openaiHeaders(reply), 'content-type': 'application/json; charset=utf-8' })
    .send(gatewayError.toJSON());
}

/**
 * Node's `clientError`: the bytes were not an HTTP request Node could parse (bad request line, headers
 * over the size limit, a request that arrived too slowly). There is no request or reply object yet, so
 * the envelope is written to the socket by hand, and the connection is closed as Node itself would.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const gatewayError = clientErrorOf(error.code);
    const body = JSON.stringify(gatewayError.toJSON());
    socket.write(
      `HTTP/1.1 ${gatewayError.status} ${reasonOf(gatewayError)}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * HTTP/1.1 requires a `Host` header. Node would answer its absence itself with a bare 400 and no body;
 * the server is created with `requireHostHeader: false` and this `onRequest` hook answers instead, in the
 * envelope.
 */
export function requireHostHeader(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const { raw } = request;
  if (raw.httpVersionMajor !== 1 || raw.httpVersionMinor !== 1 || raw.headers.host !== undefined) return done();
  const error = Errors.invalidRequest('HTTP/1.1 requests must carry a Host header.', null, 'missing_host_header');
  // Answered here: a callback-style hook that replies does not call `done`.
  void reply
    .status(400)
    .headers({ ...openaiHeaders(reply), connection: 'close', 'content-type': 'application/json; charset=utf-8' })
    .send(error.toJSON());
}

function clientErrorOf(code: string | undefined): GatewayError {
  if (code === 'HPE_HEADER_OVERFLOW') return Errors.headersTooLarge();
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return Errors.requestTimeout();
  return Errors.malformedHttp();
}

function reasonOf(error: GatewayError): string {
  return (
    { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[error.status] ?? 'Error'
  );
}
