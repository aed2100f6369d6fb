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

  /**
   * Facts for the operator's log, never written to the client: which provider and host failed, its HTTP
   * status, error type and code, a network error code. Never a secret or a message body.
   */
  diagnostics: Readonly<Record<string, string | number | null>> | undefined;

  /** Adds operator-only facts (see `diagnostics`) and returns the same error. */
  withDiagnostics(facts: Readonly<Record<string, string | number | null>>): this {
    this.diagnostics = { ...this.diagnostics, ...facts };
    return this;
  }

  toJSON(): OpenAIErrorEnvelope {
    return { error: this.toOpenAIError() };
  }

  toOpenAIError(): OpenAIError {
    return { message: this.message, type: this.type, param: this.param, code: this.code };
  }
}
