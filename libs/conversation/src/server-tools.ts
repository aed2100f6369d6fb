import type { FunctionTool } from '@voxgate/openai-wire';

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

/** Loop budget: rounds of model calls that execute tools, after which the model must answer. */
export const DEFAULT_MAX_TOOL_ROUNDS = 8;
