/**
 * The CLI's two ways to fail, each with its exit code:
 *
 * - `UsageError` (exit 2): the command line is wrong (unknown command, missing argument, bad value); no
 *   request was sent. `helpHint` names the `--help` to read.
 * - `GatewayError` (exit 1): the gateway answered with an error, or could not be reached. `message` is the
 *   gateway's own (from OpenAI's envelope `{"error":{"message","type","param","code"}}`).
 *
 * Neither ever carries the admin key: messages are built from the gateway's answer and the command line's
 * shape, and `Output` redacts the key from everything it prints as a last line of defence.
 */
export class UsageError extends Error {
  readonly exitCode = 2;

  constructor(
    message: string,
    /** E.g. `voxgate keys create --help`. */
    readonly helpHint = 'voxgate --help',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export class GatewayError extends Error {
  readonly exitCode = 1;

  constructor(
    message: string,
    /** HTTP status, or `undefined` when no answer came (connection refused, timeout). */
    readonly status: number | undefined,
    /** OpenAI's `error.code` (`tenant_not_found`, `invalid_api_key`, …) when the gateway sent one. */
    readonly code: string | null = null,
    /** OpenAI's `error.param` when the gateway sent one. */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}
