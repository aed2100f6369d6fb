import { CallAbort } from '@voxgate/providers';
import type { FastifyReply } from 'fastify';

/**
 * A request's abort: aborted with a `ClientDisconnectedError` when the client goes away before its
 * response was fully written. It is passed down to the provider call so an abandoned request stops
 * costing upstream tokens; the gateway may also abort it itself (shutdown deadline, a stream that stopped
 * moving) with a `GatewayError` as the reason, which then is what the client is told.
 *
 * A `CallAbort` rather than an `AbortController`: the request's path follows it without a WHATWG signal
 * (about 4 µs and a long-lived object per request; about 10 % of a saturated JSON request's CPU went with
 * it, docs/performance.md, tenth round); one is made only when something asks for `signal` (a server tool's `fetch`, say).
 */
export function requestAbort(reply: FastifyReply): CallAbort {
  const abort = new CallAbort();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort(new ClientDisconnectedError());
  });
  return abort;
}

export class ClientDisconnectedError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientDisconnectedError';
  }
}
