import type { FastifyReply } from 'fastify';

/**
 * A request's abort controller: aborted with a `ClientDisconnectedError` when the client goes away before
 * its response was fully written. Its signal is passed down to the provider call so an abandoned request
 * stops costing upstream tokens; the gateway may also abort it itself (shutdown deadline, a stream that
 * stopped moving) with a `GatewayError` as the reason, which then is what the client is told.
 */
export function requestAbortController(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new ClientDisconnectedError());
  });
  return controller;
}

export class ClientDisconnectedError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientDisconnectedError';
  }
}
