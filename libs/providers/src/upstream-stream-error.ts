import type { OpenAIError } from '@voxgate/openai-wire';

/**
 * A failure after an upstream stream started: the provider sent an error event, closed before
 * `[DONE]`, or the connection broke. `error` is safe to show to the client.
 */
export class UpstreamStreamError extends Error {
  constructor(readonly error: OpenAIError) {
    super(error.message);
    this.name = 'UpstreamStreamError';
  }
}
