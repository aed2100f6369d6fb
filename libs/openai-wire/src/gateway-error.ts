import type { OpenAIError, OpenAIErrorEnvelope } from './errors';

/**
 * The one error type Voxgate throws on purpose. It carries everything needed to write OpenAI's envelope
 * `{"error":{"message","type","param","code"}}` with the right HTTP status; the catalogue in
 * `error-catalogue.ts` is the only place that creates them, so codes stay stable.
 *
 * `message` is shown to the client: it must never contain a secret, an upstream key or a stack.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    /** Extra response headers, e.g. `retry-after` or `x-should-retry`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  toJSON(): OpenAIErrorEnvelope {
    return { error: this.toOpenAIError() };
  }

  toOpenAIError(): OpenAIError {
    return { message: this.message, type: this.type, param: this.param, code: this.code };
  }
}
