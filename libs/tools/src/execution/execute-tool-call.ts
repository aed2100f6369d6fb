import { randomUUID } from 'node:crypto';
import type { JsonObject, ToolContext, ToolModule, ToolOutcome } from '../tool-module';
import { failure as error, ToolNotExecutedError } from '../tool-module';
import { canonicalJson } from './canonical-json';
import { IdempotencyLedgerRepository } from './idempotency-ledger.repository';
import { toolCallContent } from './tool-call-content';
import type { ArgumentValidator } from './validate-arguments';

/** One tool call as the model sent it (`choices[].message.tool_calls[]`). */
export interface ToolCallRequest {
  /** `tool_calls[].id`, echoed as the tool message's `tool_call_id`. */
  readonly id: string;
  /** `tool_calls[].function.name`. */
  readonly name: string;
  /** `tool_calls[].function.arguments`: the model's JSON text, not yet parsed. */
  readonly arguments: string;
}

/** Where the call happens: who asked, in which conversation, and the client's own abort signal. */
export interface ToolCallScope {
  readonly tenantId: string;
  readonly sessionId: string | null;
  /**
   * The request's id. A client retry replays recorded side effects only if it has the same one, so use the
   * client's `Idempotency-Key` header when it sent one (or rely on `X-Session-Id`).
   */
  readonly requestId: string;
  /** `X-Voxgate-Confirmation` of the request, or `null`. */
  readonly confirmationToken: string | null;
  /**
   * Aborted when the client disconnects. It aborts `read` and `idempotent` tools; a `side_effect` tool
   * is never tied to it once started (it only stops a call that has not started yet).
   */
  readonly clientSignal?: AbortSignal;
}

/** The result of one tool call, ready to be appended to the conversation. */
export interface ExecutedToolCall {
  readonly toolCallId: string;
  readonly name: string;
  readonly outcome: ToolOutcome;
  /** The tool message content for the model (`{ role: 'tool', tool_call_id, content }`). */
  readonly content: string;
  /** The outcome came from the idempotency ledger: this call executed nothing. */
  readonly replayed: boolean;
  readonly durationMs: number;
}

export interface ToolCallExecutorOptions {
  readonly now?: () => number;
  /** How long an identical call waits for a running one before answering `pending`. Default 2 s. */
  readonly duplicateWaitMs?: number;
  /** Poll interval of that wait. Default 25 ms. */
  readonly pollMs?: number;
  /** Added to the tool timeout to form the ledger lease (see claim-call-1.lua). Default 5 s. */
  readonly leaseMarginMs?: number;
  /** Called with errors the executor swallowed to keep the loop going (late ledger writes). Never secrets. */
  readonly onBackgroundError?: (error: unknown) => void;
}

/** The `tool` message that feeds an executed call back to the model. */
export function toToolMessage(executed: ExecutedToolCall): { role: 'tool'; tool_call_id: string; content: string } {
  return { role: 'tool', tool_call_id: executed.toolCallId, content: executed.content };
}

type Run =
  | { readonly kind: 'outcome'; readonly outcome: ToolOutcome }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'threw'; readonly error: unknown };

/**
 * Executes one tool call safely: arguments are validated (invalid ones never reach the tool), the tool
 * runs under its timeout with an abort signal, and side effects go through the idempotency ledger so a
 * duplicate, a retry or a client retry replays the recorded result instead of acting twice.
 * Never throws: every failure becomes an outcome the model can read.
 */
export class ToolCallExecutor {
  private readonly now: () => number;
  private readonly duplicateWaitMs: number;
  private readonly pollMs: number;
  private readonly leaseMarginMs: number;
  private readonly onBackgroundError: (error: unknown) => void;

  constructor(
    private readonly ledger: IdempotencyLedgerRepository,
    private readonly validator: ArgumentValidator,
    options: ToolCallExecutorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.duplicateWaitMs = options.duplicateWaitMs ?? 2_000;
    this.pollMs = options.pollMs ?? 25;
    this.leaseMarginMs = options.leaseMarginMs ?? 5_000;
    this.onBackgroundError = options.onBackgroundError ?? (() => undefined);
  }

  /**
   * Executes the tool calls of one assistant message concurrently, each resolved by name in `toolset`;
   * results come back in the calls' order, ready to append as tool messages.
   */
  executeAll(
    toolset: { get(name: string): ToolModule | undefined },
    calls: readonly ToolCallRequest[],
    scope: ToolCallScope,
  ): Promise<ExecutedToolCall[]> {
    return Promise.all(calls.map((call) => this.execute(toolset.get(call.name), call, scope)));
  }

  async execute(tool: ToolModule | undefined, call: ToolCallRequest, scope: ToolCallScope): Promise<ExecutedToolCall> {
    const started = this.now();
    const { outcome, replayed } = await this.outcomeOf(tool, call, scope);
    return {
      toolCallId: call.id,
      name: call.name,
      outcome,
      content: toolCallContent(outcome),
      replayed,
      durationMs: this.now() - started,
    };
  }

  private async outcomeOf(
    tool: ToolModule | undefined,
    call: ToolCallRequest,
    scope: ToolCallScope,
  ): Promise<{ outcome: ToolOutcome; replayed: boolean }> {
    const fresh = (outcome: ToolOutcome) => ({ outcome, replayed: false });
    if (!tool) return fresh(error('unknown_tool', `There is no tool named '${call.name}'.`));
    let checked;
    try {
      checked = this.validator.check(tool.parameters, call.arguments);
    } catch {
      // The registry refuses schemas that do not compile; this guards tools built outside it.
      return fresh(error('invalid_tool_schema', 'The tool has an unusable schema; nothing was executed.'));
    }
    if (!checked.valid) {
      return fresh(
        error('invalid_arguments', 'The arguments do not match the tool schema; nothing was executed.', [
          ...checked.issues.map((issue) => ({ path: issue.path, message: issue.message })),
        ]),
      );
    }
    const idempotencyKey = IdempotencyLedgerRepository.keyOf({
      tenantId: scope.tenantId,
      sessionId: scope.sessionId,
      requestId: scope.requestId,
      toolName: tool.name,
      canonicalArguments: canonicalJson(checked.input),
    });
    if (scope.clientSignal?.aborted) return fresh(cancelled());
    if (tool.effect !== 'side_effect') {
      const { run } = await this.run(tool, checked.input, scope, idempotencyKey, scope.clientSignal);
      return fresh(settledOutcome(tool, run));
    }
    return this.executeOnce(tool, checked.input, scope, idempotencyKey);
  }

  /** Side effects: at most one execution per idempotency key; everyone else replays or waits. */
  private async executeOnce(
    tool: ToolModule,
    input: JsonObject,
    scope: ToolCallScope,
    key: string,
  ): Promise<{ outcome: ToolOutcome; replayed: boolean }> {
    const owner = randomUUID();
    const lease = tool.timeoutMs + this.leaseMarginMs;
    const deadline = this.now() + Math.min(this.duplicateWaitMs, lease);
    for (;;) {
      let claim;
      try {
        claim = await this.ledger.claim(scope.tenantId, key, owner, lease, this.now());
      } catch {
        return { outcome: ledgerUnavailable(), replayed: false };
      }
      if (claim.verdict === 'completed') return { outcome: claim.outcome, replayed: true };
      if (claim.verdict === 'pending') return { outcome: claim.outcome ?? unknownOutcome(), replayed: true };
      if (claim.verdict === 'claimed') break;
      if (this.now() >= deadline) {
        return {
          outcome: pending('An identical call is still running; its outcome is not known yet. Do not retry it.'),
          replayed: true,
        };
      }
      await sleep(this.pollMs);
    }

    // Claimed: from here on the call is ours and is not tied to the client's abort signal.
    const { run, finished } = await this.run(tool, input, scope, key, undefined);
    const outcome = settledOutcome(tool, run);
    if (run.kind === 'timeout') this.recordLateResult(finished, scope.tenantId, key, owner);
    try {
      if (run.kind === 'timeout') {
        await this.ledger.markPending(scope.tenantId, key, owner, outcome, this.now());
      } else if (isNothingExecuted(run)) {
        await this.ledger.release(scope.tenantId, key, owner, this.now());
      } else if (outcome.status === 'pending') {
        await this.ledger.markPending(scope.tenantId, key, owner, outcome, this.now());
      } else {
        await this.ledger.complete(scope.tenantId, key, owner, outcome, this.now());
      }
    } catch (thrown) {
      // The effect happened (or not) regardless; the model still gets the true outcome of this run.
      this.onBackgroundError(thrown);
    }
    return { outcome, replayed: false };
  }

  /**
   * Runs the tool under its timeout. The signal given to the tool aborts at the timeout (and with the
   * client's signal when one is passed); the race does not wait for a tool that ignores its signal.
   */
  private async run(
    tool: ToolModule,
    input: JsonObject,
    scope: ToolCallScope,
    idempotencyKey: string,
    clientSignal: AbortSignal | undefined,
  ): Promise<{ run: Run; finished: Promise<Run> }> {
    const timeout = new AbortController();
    const signal = clientSignal ? AbortSignal.any([timeout.signal, clientSignal]) : timeout.signal;
    const context: ToolContext = {
      tenantId: scope.tenantId,
      sessionId: scope.sessionId,
      requestId: scope.requestId,
      idempotencyKey,
      signal,
      confirmationToken: scope.confirmationToken,
    };
    const execution = (async () => tool.execute(input, context))();
    let timer: NodeJS.Timeout | undefined;
    let onClientAbort: (() => void) | undefined;
    const timedOut = new Promise<Run>((resolve) => {
      timer = setTimeout(() => {
        timeout.abort(new Error(`tool '${tool.name}' timed out after ${tool.timeoutMs} ms`));
        resolve({ kind: 'timeout' });
      }, tool.timeoutMs);
    });
    const clientGone = new Promise<Run>((resolve) => {
      if (!clientSignal) return;
      onClientAbort = () => resolve({ kind: 'cancelled' });
      clientSignal.addEventListener('abort', onClientAbort, { once: true });
    });
    const finished = execution.then(
      (outcome): Run => ({ kind: 'outcome', outcome }),
      (thrown: unknown): Run => ({ kind: 'threw', error: thrown }),
    );
    try {
      return { run: await Promise.race([finished, timedOut, clientGone]), finished };
    } finally {
      clearTimeout(timer);
      if (onClientAbort) clientSignal?.removeEventListener('abort', onClientAbort);
    }
  }

  /**
   * A side effect that answers after its timeout (it ignored or lost the race with its abort signal):
   * its real outcome replaces the `pending` entry, so later identical calls replay what actually happened.
   */
  private recordLateResult(finished: Promise<Run>, tenantId: string, key: string, owner: string): void {
    void finished
      .then(async (late) => {
        if (late.kind !== 'outcome' || late.outcome.status === 'confirmation_required') return;
        if (late.outcome.status === 'pending') return;
        await this.ledger.complete(tenantId, key, owner, late.outcome, this.now());
      })
      .catch((thrown: unknown) => this.onBackgroundError(thrown));
  }
}

function settledOutcome(tool: ToolModule, run: Run): ToolOutcome {
  switch (run.kind) {
    case 'outcome':
      return run.outcome;
    case 'cancelled':
      return cancelled();
    case 'timeout':
      return tool.effect === 'side_effect'
        ? pending(
            `The tool did not answer within ${tool.timeoutMs} ms after the request was sent; it may or may not have taken effect. Do not retry it; tell the user the outcome is pending.`,
          )
        : {
            status: 'error',
            code: 'timeout',
            message: `The tool did not answer within ${tool.timeoutMs} ms.`,
            retryable: true,
          };
    case 'threw':
      if (run.error instanceof ToolNotExecutedError) return error(run.error.code, run.error.message);
      return tool.effect === 'side_effect'
        ? pending('The tool failed after the request was sent; it may or may not have taken effect. Do not retry it.')
        : error('tool_failed', `The tool failed: ${messageOf(run.error)}`);
  }
}

/** Outcomes after which nothing happened, so the ledger forgets the call and an identical one may run. */
function isNothingExecuted(run: Run): boolean {
  if (run.kind === 'threw') return run.error instanceof ToolNotExecutedError;
  if (run.kind !== 'outcome') return false;
  const { outcome } = run;
  return outcome.status === 'confirmation_required' || (outcome.status === 'error' && outcome.retryable === true);
}

const pending = (message: string): ToolOutcome => ({ status: 'pending', message });
const cancelled = (): ToolOutcome => ({
  status: 'error',
  code: 'cancelled',
  message: 'The client went away before the tool ran; nothing was executed.',
  retryable: true,
});
const ledgerUnavailable = (): ToolOutcome => ({
  status: 'error',
  code: 'ledger_unavailable',
  message: 'The gateway cannot record this action right now, so it was not executed. Try again shortly.',
  retryable: true,
});
const unknownOutcome = () =>
  pending('This action was sent earlier but its outcome is not known. Do not retry it; tell the user it is pending.');

function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
