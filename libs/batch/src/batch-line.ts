/**
 * One request line of a batch input file, validated (see `input/parse-batch-input.ts`):
 * `{"custom_id","method":"POST","url":"/v1/chat/completions","body":{…},"session_id"?}`.
 */
export interface BatchLine {
  /** 1-based line number in the input file; output files follow this order. */
  readonly lineNumber: number;
  /** The client's id of the request, unique within the batch; copied to its output line. */
  readonly customId: string;
  /** The batch endpoint the line targets (equal to the batch's `endpoint`). */
  readonly url: string;
  /** The request body, exactly as the client wrote it (validated by the endpoint when executed). */
  readonly body: Readonly<Record<string, unknown>>;
  /**
   * Voxgate extension: the session the line belongs to (the `X-Session-Id` of an HTTP request). Lines of
   * one session run one after another in input order; null for a line outside any session.
   */
  readonly sessionId: string | null;
}

/** Who runs a line, and the keys that make it behave like the client's own HTTP request. */
export interface BatchLineContext {
  readonly tenantId: string;
  /** The API key that created the batch; its lines run as that key, and stop working if it is revoked. */
  readonly keyId: string;
  readonly batchId: string;
  /**
   * `Idempotency-Key` for the line, derived from the batch id and `custom_id`: a line run again after a
   * crash replays side-effecting tools recorded by its first run instead of repeating them.
   */
  readonly idempotencyKey: string;
}

/** What one execution of a line answered: the HTTP status and JSON body the endpoint answers that request with. */
export interface BatchLineResponse {
  readonly statusCode: number;
  /** The `x-request-id` of the execution (`req_…`), reported in the output line. */
  readonly requestId: string;
  /** The response body: a chat completion on 200, OpenAI's error envelope otherwise. */
  readonly body: unknown;
  /** The error's `retry-after-ms` / `retry-after` (a 429 or 5xx), in ms; null when absent. */
  readonly retryAfterMs?: number | null;
  /** `x-should-retry`: false means waiting will not help (e.g. a spent monthly budget). */
  readonly shouldRetry?: boolean | null;
}

/**
 * Runs batch lines. The lib does not know HTTP: the gateway implements this over its completion pipeline
 * (`PipelineLineExecutor`, ADR 0018), so a line is validated, admitted, metered and stored in its session
 * exactly like the same body sent to `POST /v1/chat/completions`. Implementations answer with the status
 * and body that request would get; they throw only when they could not execute the line at all (treated
 * like a 500).
 */
export interface BatchLineExecutor {
  execute(line: BatchLine, context: BatchLineContext): Promise<BatchLineResponse>;
}
