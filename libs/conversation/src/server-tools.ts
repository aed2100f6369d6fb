import type { FunctionTool } from '@voxgate/openai-wire';

/** A payment (or other approval-gated call) that waits for the client app's confirmation. */
export interface ToolConfirmation {
  /** Signed, expiring token the client app sends back in `X-Voxgate-Confirmation` once the user agreed. */
  readonly token: string;
  /** ISO 8601 expiry of the token. */
  readonly expiresAt: string;
  /** What is being confirmed (amount, currency, customer, …), for the app to show. */
  readonly summary: Readonly<Record<string, unknown>>;
}

/** One executed server-side tool call, as the loop feeds it back and reports it. */
export interface ServerToolRun {
  readonly toolCallId: string;
  readonly name: string;
  /** The `tool` message content given to the model. */
  readonly content: string;
  /** `ok`, `error`, `pending`, `confirmation_required`, … (the tool library's outcome status). */
  readonly status: string;
  /** The result came from the idempotency ledger: nothing was executed again. */
  readonly replayed: boolean;
  /** Set when `status` is `confirmation_required`: what the client app needs to confirm. */
  readonly confirmation?: ToolConfirmation;
}

/**
 * The tools ops enabled for the caller's tenant, as the loop sees them: OpenAI definitions to offer the
 * model, and an executor that validates, times out and de-duplicates (see libs/tools). `execute` never
 * throws: failures come back as runs whose content tells the model what went wrong.
 */
export interface ServerTools {
  readonly definitions: readonly FunctionTool[];
  has(name: string): boolean;
  execute(calls: readonly { id: string; name: string; arguments: string }[]): Promise<ServerToolRun[]>;
}

/**
 * How a client sees one server tool run: in the `x-voxgate-tool-runs` header and the `voxgate.tool_runs`
 * extension field (of a JSON completion, and of the first stream chunk after the round that ran it).
 */
export interface ToolRunView {
  readonly name: string;
  readonly status: string;
  readonly replayed: boolean;
  /** Present when the call waits for the user's confirmation (send `token` back in `X-Voxgate-Confirmation`). */
  readonly confirmation?: { readonly token: string; readonly expires_at: string; readonly summary: unknown };
}

/** The additive `voxgate` field Voxgate puts on completions and chunks when server tools ran. */
export interface VoxgateExtension {
  readonly tool_runs: ToolRunView[];
}

export function toolRunView(run: ServerToolRun): ToolRunView {
  return {
    name: run.name,
    status: run.status,
    replayed: run.replayed,
    ...(run.confirmation
      ? {
          confirmation: {
            token: run.confirmation.token,
            expires_at: run.confirmation.expiresAt,
            summary: run.confirmation.summary,
          },
        }
      : {}),
  };
}
