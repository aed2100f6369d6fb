import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  LuaScript,
  type QuotaAmounts,
  type Reservation,
  scriptHostOf,
  SETTLE_QUOTA_LUA,
  type SettleQuota,
} from '@voxgate/tenancy';
import type { ChainableCommander, Redis } from 'ioredis';
import type { UsageEvent } from '../usage-event';
import { RECORD_USAGE_LUA, type UsageRepository } from './usage.repository';

/** The merged script: its wrapper with the two scripts' bodies inlined where their markers stand. */
export const SETTLE_AND_RECORD_LUA: string = readFileSync(path.join(__dirname, 'settle-and-record-14.lua'), 'utf8')
  .replace('--[[settle-quota-11.lua]]', () => SETTLE_QUOTA_LUA)
  .replace('--[[record-usage-event-3.lua]]', () => RECORD_USAGE_LUA);

/** What the end of one request writes: its reservation settled to `actual`, and its usage event. */
export interface Settlement {
  readonly reservation: Reservation;
  readonly actual: QuotaAmounts;
  readonly event: UsageEvent;
}

/** Which halves landed now; `false` means that half had already been written (a replay), not a failure. */
export interface SettlementOutcome {
  readonly settled: boolean;
  readonly recorded: boolean;
}

/**
 * One EVALSHA per finished request (`settle-and-record-14.lua`) instead of the settle script and the record
 * script: the same two writes, with the same idempotency, in one command. Both halves' keys carry the
 * tenant's `{t:<tenant>}` tag, so it is valid on Redis Cluster, alone or in a pipeline of that tenant.
 *
 * The script is a `LuaScript` of the client: its body goes the first time on each connection and its SHA
 * afterwards, also inside a pipeline, and falls back to the body on `NOSCRIPT`.
 */
export class SettlementRepository {
  private readonly script: LuaScript;

  constructor(
    redis: Redis,
    private readonly settle: SettleQuota,
    private readonly usage: UsageRepository,
  ) {
    this.script = new LuaScript(redis, SETTLE_AND_RECORD_LUA, 14);
  }

  /** Settles and records now, awaiting Redis. */
  async write(settlement: Settlement): Promise<SettlementOutcome> {
    const { keys, args } = this.callOf(settlement);
    return outcomeOf(await this.script.run(keys, args));
  }

  /**
   * Queues the same command on `commander`: a pipeline (which must be of this client and of this tenant's
   * slot on a cluster; the reply at its index in `pipeline.exec()` goes through `outcomeOf`), or this
   * client itself. Returns the reply's promise (on a pipeline, the same reply `exec()` gives).
   */
  queue(commander: ChainableCommander, settlement: Settlement): Promise<unknown> {
    const { keys, args } = this.callOf(settlement);
    return this.script.run(keys, args, scriptHostOf(commander));
  }

  /** The hash tag of the settlement's keys: settlements with the same tag may share a cluster pipeline. */
  static slotOf(settlement: Settlement): string {
    return `t:${settlement.reservation.principal.tenantId}`;
  }

  private callOf({ reservation, actual, event }: Settlement): { keys: string[]; args: (string | number)[] } {
    const settle = this.settle.call(reservation, actual);
    const record = this.usage.recordCall(event);
    return { keys: [...settle.keys, ...record.keys], args: [...settle.args, ...record.args] };
  }
}

/** Reads the script's reply (`{ settled, recorded }`, each 1 or 0). */
export function outcomeOf(reply: unknown): SettlementOutcome {
  const [settled, recorded] = Array.isArray(reply) ? (reply as unknown[]) : [];
  return { settled: settled === 1, recorded: recorded === 1 };
}
