import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineScript, type RedisScript, tenantTag } from '../redis-script';
import type { ToolOutcome } from '../tool-module';

/** What the ledger knows about a call when a caller tries to claim it. */
export type LedgerClaim =
  /** This caller executes the call and must settle it. */
  | { readonly verdict: 'claimed' }
  /** Another caller is executing it now. */
  | { readonly verdict: 'running' }
  /** It ran to the end: replay this outcome. */
  | { readonly verdict: 'completed'; readonly outcome: ToolOutcome }
  /** It was sent but its outcome is unknown (timed out after sending, or its process died). */
  | { readonly verdict: 'pending'; readonly outcome: ToolOutcome | null };

/** Identifies one logical tool call: the same call retried has the same identity. */
export interface LedgerCallIdentity {
  readonly tenantId: string;
  /** `sessionId` when the conversation has one, else the request id. */
  readonly sessionId: string | null;
  readonly requestId: string;
  readonly toolName: string;
  /** `canonicalJson` of the validated arguments. */
  readonly canonicalArguments: string;
}

/**
 * The idempotency ledger of side-effecting tool calls.
 *
 * - `tools:{t:T}:ledger:<sha256>`  hash `{ state: running|pending|completed, owner, lease_until, outcome,
 *   updated_at }`, expiring after the retention window. The sha256 is the call's idempotency key.
 */
export class IdempotencyLedgerRepository {
  private readonly claimScript: RedisScript;
  private readonly settleScript: RedisScript;

  constructor(
    private readonly redis: Redis,
    private readonly retentionMs: number,
  ) {
    this.claimScript = defineScript(redis, __dirname, 'claim-call-1.lua');
    this.settleScript = defineScript(redis, __dirname, 'settle-call-1.lua');
  }

  /** The stable idempotency key of a call (hex SHA-256 over tenant, scope, tool and arguments). */
  static keyOf(call: LedgerCallIdentity): string {
    const scope = call.sessionId === null ? `request:${call.requestId}` : `session:${call.sessionId}`;
    return createHash('sha256')
      .update([call.tenantId, scope, call.toolName, call.canonicalArguments].join('\u0000'))
      .digest('hex');
  }

  async claim(tenantId: string, key: string, owner: string, leaseMs: number, nowMs: number): Promise<LedgerClaim> {
    const [verdict, outcome] = (await this.claimScript(
      entryKey(tenantId, key),
      owner,
      nowMs,
      leaseMs,
      this.retentionMs,
    )) as [string, string];
    switch (verdict) {
      case 'claimed':
      case 'running':
        return { verdict };
      case 'completed':
        return { verdict, outcome: JSON.parse(outcome) as ToolOutcome };
      case 'pending':
        return { verdict, outcome: outcome === '' ? null : (JSON.parse(outcome) as ToolOutcome) };
      default:
        throw new Error(`idempotency ledger: unexpected state '${verdict}'`);
    }
  }

  /** Records the final outcome (also upgrades a `pending` entry when a late result arrives). */
  complete(tenantId: string, key: string, owner: string, outcome: ToolOutcome, nowMs: number): Promise<boolean> {
    return this.settle(tenantId, key, owner, 'completed', JSON.stringify(outcome), nowMs);
  }

  /** Records that the call was sent but its outcome is unknown: identical calls get `pending`, never a rerun. */
  markPending(tenantId: string, key: string, owner: string, outcome: ToolOutcome, nowMs: number): Promise<boolean> {
    return this.settle(tenantId, key, owner, 'pending', JSON.stringify(outcome), nowMs);
  }

  /** Forgets a claim whose call executed nothing, so an identical call may run. */
  release(tenantId: string, key: string, owner: string, nowMs: number): Promise<boolean> {
    return this.settle(tenantId, key, owner, 'released', '', nowMs);
  }

  private async settle(
    tenantId: string,
    key: string,
    owner: string,
    target: 'completed' | 'pending' | 'released',
    outcome: string,
    nowMs: number,
  ): Promise<boolean> {
    const changed = await this.settleScript(entryKey(tenantId, key), owner, target, outcome, nowMs, this.retentionMs);
    return changed === 1;
  }
}

function entryKey(tenantId: string, key: string): string {
  return `tools:${tenantTag(tenantId)}:ledger:${key}`;
}
