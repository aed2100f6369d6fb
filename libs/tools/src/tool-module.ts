/** Any value JSON can carry: what tools take as arguments and give back as results. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * How much harm running a tool twice can do. It decides whether a call goes through the idempotency
 * ledger and whether a client disconnect may abort it.
 *
 * - `read`: no effect on the world (search, look-ups). Re-running is harmless; aborted with the client.
 * - `idempotent`: has an effect, but running it again with the same arguments changes nothing more (a PUT).
 *   Re-running is harmless; aborted with the client.
 * - `side_effect`: every run acts again (a charge, a booking, an e-mail). Runs at most once per ledger key:
 *   duplicates replay the recorded result; once started it is never tied to the client's abort signal.
 */
export const TOOL_EFFECTS = ['read', 'idempotent', 'side_effect'] as const;
export type ToolEffect = (typeof TOOL_EFFECTS)[number];

/** `read` < `idempotent` < `side_effect`: a stronger class gets stronger guarantees. */
export function effectRank(effect: ToolEffect): number {
  return TOOL_EFFECTS.indexOf(effect);
}

/** What one execution of a tool call knows about itself. Built by the executor, never by the model. */
export interface ToolContext {
  /** The tenant whose request called the tool. Every datum a tool reads or writes is scoped by it. */
  readonly tenantId: string;
  /** The `X-Session-Id` of the conversation, or `null` for a one-shot request. */
  readonly sessionId: string | null;
  /** The gateway's id of the HTTP request (or batch line) that runs the loop. */
  readonly requestId: string;
  /**
   * Stable for the same tenant, session (or request), tool and canonical arguments: a retry of the same
   * call gets the same key. Tools with their own idempotency (booking, payment, remote endpoints through
   * the `Idempotency-Key` header) use it when the arguments carry none.
   */
  readonly idempotencyKey: string;
  /**
   * Aborted when the tool's timeout elapses and, for `read` and `idempotent` tools only, when the client
   * disconnects. Implementations pass it to every fetch, MCP request or wait they make.
   */
  readonly signal: AbortSignal;
  /**
   * The payment confirmation token the client app sent back with this request (`X-Voxgate-Confirmation`),
   * or `null`. Only tools that ask for confirmation read it; see the lib README.
   */
  readonly confirmationToken: string | null;
}

/**
 * What running a tool produced. Every variant is fed back to the model as the tool message's content,
 * so the model can tell the user what happened; none of them is an HTTP error of the gateway.
 */
export type ToolOutcome =
  /** The tool ran and answered. `result` is what the model sees. */
  | { readonly status: 'ok'; readonly result: JsonValue }
  /**
   * The tool ran (or refused to) and reports a failure: invalid arguments, a business rule (slot taken,
   * insufficient balance), a remote error, a timeout before sending. `retryable` failures are not
   * recorded in the ledger, so an identical call may run again; every other failure is the final answer.
   */
  | {
      readonly status: 'error';
      readonly code: string;
      readonly message: string;
      readonly details?: JsonValue;
      readonly retryable?: boolean;
    }
  /**
   * A side effect was sent but its outcome is unknown (timed out after sending, connection lost, still
   * running elsewhere). Identical calls return this status rather than executing again.
   */
  | { readonly status: 'pending'; readonly message: string }
  /**
   * The tool needs the client app's explicit confirmation before it runs (payment above the tenant's
   * threshold). `token` is a signed, expiring token bound to tenant, tool and arguments that the client
   * app sends back to confirm. Nothing has been executed.
   */
  | {
      readonly status: 'confirmation_required';
      readonly message: string;
      readonly token: string;
      readonly expiresAt: string;
      readonly summary: JsonObject;
    };

/**
 * A tool the gateway can run for the model. Built-in modules, remote HTTP endpoints and the tools of an
 * MCP server all become one of these; the loop knows nothing else about them.
 */
export interface ToolModule {
  /** What the model calls it: `^[a-zA-Z0-9_-]{1,64}$`, unique within a tenant's tools. */
  readonly name: string;
  /** Told to the model: when to use the tool and what it returns. */
  readonly description: string;
  /** JSON Schema (`type: "object"`) of the arguments; arguments are validated against it before `execute`. */
  readonly parameters: JsonObject;
  /** See `ToolEffect`. */
  readonly effect: ToolEffect;
  /** Hard limit of one execution; the executor aborts `ctx.signal` when it elapses. */
  readonly timeoutMs: number;
  /**
   * The tool may answer `confirmation_required` and runs only once the client app confirms (payment
   * charges above the tenant's threshold). Informational for the loop; the tool enforces it itself.
   */
  readonly needsApproval?: boolean;
  /**
   * Runs the tool with validated arguments. Throwing is allowed: the executor turns an exception into an
   * `error` outcome (or `pending` for a side effect, whose outcome is then unknown) unless it is a
   * `ToolNotExecutedError`, which states that nothing was sent.
   */
  execute(input: JsonObject, ctx: ToolContext): Promise<ToolOutcome>;
}

/** Thrown by an implementation that knows nothing reached the target (refused URL, connection refused). */
export class ToolNotExecutedError extends Error {
  constructor(
    message: string,
    readonly code = 'not_executed',
  ) {
    super(message);
    this.name = 'ToolNotExecutedError';
  }
}

export const ok = (result: JsonValue): ToolOutcome => ({ status: 'ok', result });
export const failure = (code: string, message: string, details?: JsonValue): ToolOutcome =>
  details === undefined ? { status: 'error', code, message } : { status: 'error', code, message, details };
