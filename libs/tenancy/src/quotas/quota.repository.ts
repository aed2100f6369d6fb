import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';
import { LuaScript, scriptHostOf } from '../redis/lua-script';
import type { Principal } from '../tenancy.types';
import { LIMIT_FIELDS, type LimitName, type QuotaLimits } from './quota-limits';
import type { QuotaWindows } from './quota-windows';

const RESERVE = readFileSync(path.join(__dirname, 'reserve-quota-14.lua'), 'utf8');
const SETTLE = readFileSync(path.join(__dirname, 'settle-quota-11.lua'), 'utf8');

/**
 * The settle script's source (`settle-quota-11.lua`: 11 KEYS, 5 ARGV, returns 1 or 0), for a script that
 * settles in the same step as another write (the usage event: `SettlementRepository` in
 * `@voxgate/metering`), with the keys and arguments of `QuotaRepository.settleCall`.
 */
export const SETTLE_QUOTA_LUA: string = SETTLE;

/** A script's KEYS and ARGV, in order. */
export interface ScriptCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

/** Which limits a request is checked against. */
export type QuotaScope =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'key'; readonly tenantId: string; readonly keyId: string };

/** What a request is expected to consume, reserved before the call. */
export interface QuotaAmounts {
  readonly tokens: number;
  readonly spendMicros: number;
  readonly audioMs: number;
}

export interface ReserveArgs {
  readonly principal: Principal;
  readonly estimate: QuotaAmounts;
  readonly stream: boolean;
  readonly leaseId: string;
  readonly leaseExpiresAtMs: number;
  readonly nowMs: number;
  readonly windows: QuotaWindows;
  readonly dryRun: boolean;
}

/** `-1` means "no limit configured" for the header fields. */
export interface ReserveOutcome {
  readonly admitted: boolean;
  readonly refusal: { scope: 'tenant' | 'key'; limit: LimitName; max: number; used: number; resetMs: number } | null;
  readonly requests: { limit: number; remaining: number; resetMs: number };
  readonly tokens: { limit: number; remaining: number; resetMs: number };
  /** A `concurrent_streams` limit applies to the tenant or the key: a stream's lease counts against it. */
  readonly streamsLimited: boolean;
}

/**
 * A pipeline of the current event-loop turn, shared with other writes of that turn (the gateway's
 * `RedisTickBatch`): `add` has `queue` put exactly one command, for keys of hash tag `tag` (`t:<tenant>`),
 * on the commander it passes (a pipeline, or the client itself; `queue` returns what the command method
 * returned), writes it with the turn's other commands at the end of the turn, and resolves with that
 * command's own reply or rejects with its own error (each keeps its timeout).
 */
export interface TurnPipeline {
  add(tag: string, queue: (commander: ChainableCommander) => unknown): Promise<unknown>;
}

/**
 * Limits and counters of tenants and keys. Every key of a tenant carries the `{t:<tenant>}` hash tag,
 * so each script touches one Redis Cluster slot.
 *
 * - `quota:{t:T}:limits`, `quota:{t:T}:key:K:limits`  hashes of `QuotaLimits` (absent field = unlimited)
 * - `quota:{t:T}[:key:K]:rpm:<minute>`, `:tpm:<minute>`, `:tpd:<day>`, `:spend:<YYYYMM>`, `:audio:<day>`
 * - `quota:{t:T}[:key:K]:streams`  sorted set of open stream leases, scored by expiry
 * - `quota:{t:T}:settled:<reservation id>`  marker of a settled reservation (a day), for idempotent settles
 */
export class QuotaRepository {
  private readonly reserveScript: LuaScript;
  private readonly settleScript: LuaScript;

  /**
   * @param turn when given, `reserve` rides the turn's pipeline instead of a write of its own: the
   *   admissions and request-end writes of one turn reach Redis in one write. A reservation is still one
   *   script, answered on its own; it only leaves at the end of the turn that asked for it.
   */
  constructor(
    private readonly redis: Redis,
    private readonly turn: TurnPipeline | null = null,
  ) {
    this.reserveScript = new LuaScript(redis, RESERVE, 14);
    this.settleScript = new LuaScript(redis, SETTLE, 11);
  }

  async setLimits(scope: QuotaScope, limits: QuotaLimits): Promise<void> {
    const key = `${base(scope)}:limits`;
    const present = LIMIT_FIELDS.flatMap((field) => {
      const value = limits[field];
      return value === null || value === undefined ? [] : [[field, value] as const];
    });
    const multi = this.redis.multi().del(key);
    if (present.length > 0) multi.hset(key, Object.fromEntries(present));
    const results = (await multi.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async getLimits(scope: QuotaScope): Promise<QuotaLimits> {
    const hash = await this.redis.hgetall(`${base(scope)}:limits`);
    return Object.fromEntries(
      LIMIT_FIELDS.map((field) => [field, hash[field] === undefined ? null : Number(hash[field])]),
    );
  }

  async reserve(args: ReserveArgs): Promise<ReserveOutcome> {
    const keys = windowKeys(args.principal, args.windows).reserve;
    const argv = [
      args.nowMs,
      args.estimate.tokens,
      args.estimate.spendMicros,
      args.estimate.audioMs,
      args.stream ? 1 : 0,
      args.leaseId,
      args.leaseExpiresAtMs,
      args.windows.msToMinuteEnd,
      args.windows.msToDayEnd,
      args.windows.msToMonthEnd,
      args.dryRun ? 1 : 0,
    ];
    const raw = (await (this.turn
      ? this.turn.add(`t:${args.principal.tenantId}`, (commander) =>
          this.reserveScript.run(keys, argv, scriptHostOf(commander)),
        )
      : this.reserveScript.run(keys, argv))) as (string | number)[];
    const n = (index: number) => Number(raw[index]);
    const refusedScope = n(1);
    return {
      admitted: n(0) === 1,
      refusal:
        refusedScope === -1
          ? null
          : {
              scope: refusedScope === 0 ? 'tenant' : 'key',
              limit: String(raw[2]) as LimitName,
              max: n(3),
              used: n(4),
              resetMs: n(5),
            },
      requests: { limit: n(6), remaining: n(7), resetMs: n(8) },
      tokens: { limit: n(9), remaining: n(10), resetMs: n(11) },
      streamsLimited: n(12) === 1,
    };
  }

  /**
   * Adds `actual - estimate` to the reservation's windows and closes its lease, once per `settleId`:
   * resolves `false` (and changes nothing) when that id was already settled.
   */
  async settle(
    principal: Principal,
    windows: QuotaWindows,
    delta: QuotaAmounts,
    leaseId: string | null,
    settleId: string,
  ): Promise<boolean> {
    const { keys, args } = this.settleCall(principal, windows, delta, leaseId, settleId);
    return (await this.settleScript.run(keys, args)) === 1;
  }

  /**
   * The KEYS (11, all under `{t:<tenant>}`) and ARGV (5) of the settle script for these arguments, as
   * `settle` sends them; `SETTLE_QUOTA_LUA` answers 1 (settled now) or 0 (this `settleId` already was).
   */
  settleCall(
    principal: Principal,
    windows: QuotaWindows,
    delta: QuotaAmounts,
    leaseId: string | null,
    settleId: string,
  ): ScriptCall {
    const keys = [...windowKeys(principal, windows).settle];
    keys.push(`quota:{t:${principal.tenantId}}:settled:${settleId}`);
    return { keys, args: [delta.tokens, delta.spendMicros, delta.audioMs, leaseId ?? '', 86_400_000] };
  }

  /** Pushes a live stream's lease expiry forward (a crashed replica's leases expire on their own). */
  async renewLease(principal: Principal, leaseId: string, expiresAtMs: number): Promise<void> {
    const multi = this.redis.multi();
    for (const scope of scopesOf(principal)) {
      multi.zadd(`${base(scope)}:streams`, 'XX', expiresAtMs, leaseId);
      multi.pexpireat(`${base(scope)}:streams`, expiresAtMs + 60_000);
    }
    await multi.exec();
  }

  /**
   * Ends a stream's lease at once, in both scopes (the settle script ends it too, idempotently): what a
   * stream door awaits before the client can see the stream's end, so the client's next stream, on any
   * replica, finds the slot free. Rejects with Redis' error (the settle still frees the slot later).
   */
  async releaseLease(principal: Principal, leaseId: string): Promise<void> {
    const [tenant, key] = scopesOf(principal);
    await Promise.all([
      this.redis.zrem(`${base(tenant)}:streams`, leaseId),
      this.redis.zrem(`${base(key)}:streams`, leaseId),
    ]);
  }
}

/** The keys of a principal's counters in one set of windows: 14 for the reserve script, 10 for the settle. */
interface WindowKeys {
  readonly minute: number;
  readonly day: number;
  readonly month: number;
  readonly reserve: readonly string[];
  readonly settle: readonly string[];
}

/**
 * Per principal object (the key cache hands out the same one for a key's requests), the keys of its
 * current windows, rebuilt when a window turns: admission and settle build no key strings per request.
 */
const windowKeysOf = new WeakMap<Principal, WindowKeys>();

function windowKeys(principal: Principal, windows: QuotaWindows): WindowKeys {
  const cached = windowKeysOf.get(principal);
  if (cached && cached.minute === windows.minute && cached.day === windows.day && cached.month === windows.month) {
    return cached;
  }
  const reserve: string[] = [];
  const settle: string[] = [];
  for (const scope of scopesOf(principal)) {
    const prefix = base(scope);
    const tpm = `${prefix}:tpm:${windows.minute}`;
    const tpd = `${prefix}:tpd:${windows.day}`;
    const spend = `${prefix}:spend:${windows.month}`;
    const audio = `${prefix}:audio:${windows.day}`;
    const streams = `${prefix}:streams`;
    reserve.push(`${prefix}:limits`, `${prefix}:rpm:${windows.minute}`, tpm, tpd, spend, audio, streams);
    settle.push(tpm, tpd, spend, audio, streams);
  }
  const keys = { minute: windows.minute, day: windows.day, month: windows.month, reserve, settle };
  windowKeysOf.set(principal, keys);
  return keys;
}

function scopesOf(principal: Principal): [QuotaScope, QuotaScope] {
  return [
    { kind: 'tenant', tenantId: principal.tenantId },
    { kind: 'key', tenantId: principal.tenantId, keyId: principal.keyId },
  ];
}

function base(scope: QuotaScope): string {
  return scope.kind === 'tenant' ? `quota:{t:${scope.tenantId}}` : `quota:{t:${scope.tenantId}}:key:${scope.keyId}`;
}
