import type { FastifyReply } from 'fastify';

/**
 * A signal that fires when the client goes away before its response was fully written. Passed down to
 * the provider call so an abandoned request stops costing upstream tokens.
 */
export function clientAbortSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new ClientDisconnectedError());
  });
  return controller.signal;
}

export class ClientDisconnectedError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientDisconnectedError';
  }
}
