/** Limits of one request's server-side tool loop (config `tools.loop`). */
export interface ToolLoopLimits {
  /** Rounds of model calls that execute server tools. */
  readonly maxRounds: number;
  /** Wall time from the first model call after which no new tool round starts. */
  readonly maxWallMs: number;
  /** Tokens (prompt + completion, summed over calls) after which no new tool round starts. */
  readonly maxTokens: number;
}

export const DEFAULT_TOOL_LOOP_LIMITS: ToolLoopLimits = { maxRounds: 8, maxWallMs: 60_000, maxTokens: 200_000 };

/**
 * Why the loop stopped calling tools: the model answered, it called client tools (returned to the client),
 * it repeated a round's exact calls, or a budget ran out (rounds, wall time, tokens).
 */
export type ToolLoopStop =
  'answered' | 'client_tools' | 'repeated_call' | 'round_budget' | 'time_budget' | 'token_budget';

/**
 * The loop's budget, shared by the streaming and non-streaming loops. Once `forcedStop()` names a reason,
 * the next model call is made with `tool_choice: "none"` and is the last.
 */
export class ToolLoopBudget {
  private readonly startedAt: number;
  private rounds = 0;
  private tokens = 0;
  private previous = '';
  private repeated = false;

  constructor(
    private readonly limits: ToolLoopLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  get completedRounds(): number {
    return this.rounds;
  }

  addTokens(total: number): void {
    this.tokens += total;
  }

  /**
   * Whether a round's calls (name + arguments, in order) are exactly the previous round's. Then they are
   * not run again: `forcedStop()` says `repeated_call` from now on, and the model must answer.
   */
  repeats(calls: readonly { name: string; arguments: string }[]): boolean {
    if (signatureOf(calls) !== this.previous) return false;
    this.repeated = true;
    return true;
  }

  /** Records an executed round. */
  completeRound(calls: readonly { name: string; arguments: string }[]): void {
    this.rounds++;
    this.previous = signatureOf(calls);
  }

  /** The reason the next call must answer without tools, or null while tools may still run. */
  forcedStop(): Exclude<ToolLoopStop, 'answered' | 'client_tools'> | null {
    if (this.repeated) return 'repeated_call';
    if (this.rounds >= this.limits.maxRounds) return 'round_budget';
    if (this.now() - this.startedAt >= this.limits.maxWallMs) return 'time_budget';
    if (this.tokens >= this.limits.maxTokens) return 'token_budget';
    return null;
  }
}

function signatureOf(calls: readonly { name: string; arguments: string }[]): string {
  return JSON.stringify(calls.map((call) => [call.name, call.arguments]));
}
