import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import {
  outcomeOf,
  RecordUsage,
  type Settlement,
  SettlementRepository,
  type SettlementOutcome,
  type UsageEvent,
} from '@voxgate/metering';
import { MetricsRegistry } from '@voxgate/metrics';
import { Outbox, OutboxFile } from '@voxgate/outbox';
import { AppendSessionTurn, type AppendTurnCommand } from '@voxgate/sessions';
import { type QuotaAmounts, type Reservation, SettleQuota } from '@voxgate/tenancy';
import { GatewayMetrics, redisErrorKindOf } from '../metrics/gateway-metrics';
import { registerOutboxMetrics } from '../metrics/outbox-metrics';
import { JsonLogger } from './json-logger';
import { isRedisOutage } from './redis-outage';
import { RedisTickBatch } from './redis-tick-batch';
import { GATEWAY_CONFIG } from './tokens';

/**
 * A write made when a request ended, kept for later because Redis was unavailable. Plain JSON (it may be
 * spilled to a file). Each kind is idempotent, so writing it again is harmless:
 *
 * - `settle-and-record`: a finished request's quota settle (it also frees the stream slot) and usage event,
 *   in one script (`SettlementRepository`), each half once per its own id (reservation id, event id);
 * - `usage`: a usage event alone, recorded once per event id;
 * - `settle`: a quota settle alone, once per reservation id (realtime pass-through gates, and entries
 *   spilled by versions that wrote the two separately: both are still replayed);
 * - `session-turn`: the session turn, once per idempotency key (the request id when the client sent none).
 */
export type PendingWrite =
  | ({ readonly kind: 'settle-and-record'; readonly requestId: string } & Settlement)
  | { readonly kind: 'usage'; readonly event: UsageEvent }
  | {
      readonly kind: 'settle';
      readonly requestId: string;
      readonly reservation: Reservation;
      readonly actual: QuotaAmounts;
    }
  | { readonly kind: 'session-turn'; readonly command: AppendTurnCommand };

const KINDS: ReadonlySet<string> = new Set(['settle-and-record', 'usage', 'settle', 'session-turn']);

/**
 * The gateway's write-behind outbox over Redis (`@voxgate/outbox`): what the end of a request could not
 * write because Redis was down or frozen is retried with backoff (250 ms doubling to 5 s) until Redis
 * answers, then written exactly once (every kind is idempotent). Bounded by `redis.outbox.maxEntries`.
 *
 * At boot it replays the entries a previous process spilled to `redis.outbox.file`; `close()` (called by
 * `RedisLifecycle` before Redis is closed) tries once more, then spills what is left there.
 */
@Injectable()
export class PendingWrites implements OnModuleInit {
  private readonly outbox: Outbox<PendingWrite>;
  private readonly file: OutboxFile | null;
  /** Write-behind writes issued and not yet answered; `close()` waits for them. */
  private readonly behind = new Set<Promise<void>>();

  constructor(
    private readonly record: RecordUsage,
    private readonly settle: SettleQuota,
    private readonly settlements: SettlementRepository,
    private readonly appendTurn: AppendSessionTurn,
    private readonly logger: JsonLogger,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    registry: MetricsRegistry,
    private readonly metrics: GatewayMetrics,
    /** The writes of one event-loop turn (these settlements, admissions), one pipeline (one per tenant on a cluster). */
    private readonly batch: RedisTickBatch,
  ) {
    const { maxEntries, file } = config.redis.outbox;
    this.file = file ? new OutboxFile(file) : null;
    this.outbox = new Outbox<PendingWrite>({
      write: (entry) => this.write(entry),
      maxEntries,
      initialRetryMs: 250,
      maxRetryMs: 5_000,
      onDrop: (entry) => this.logger.event('error', 'outbox.dropped', { ...describe(entry), maxEntries }),
      onRetryFailed: (error, pending) => {
        this.metrics.redisError(redisErrorKindOf(error));
        this.logger.event('warn', 'outbox.retry_failed', { pending, error: messageOf(error) });
      },
    });
    registerOutboxMetrics(registry, () => this.outbox.stats());
  }

  /** Replays what the previous process spilled (written once Redis answers). */
  onModuleInit(): void {
    if (!this.file) return;
    const entries = this.file.take((line) => this.logger.event('error', 'outbox.bad_line', { line }));
    const valid = entries.filter(isPendingWrite);
    for (const entry of valid) this.outbox.add(entry);
    if (entries.length > 0)
      this.logger.event('info', 'outbox.replaying', { entries: valid.length, skipped: entries.length - valid.length });
  }

  /**
   * Runs `write` now; if Redis is unavailable, keeps `entry` for later instead and resolves. Any other
   * failure rejects, as before.
   */
  async attempt(entry: PendingWrite, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isRedisOutage(error)) throw error;
      this.metrics.redisError(redisErrorKindOf(error));
      this.outbox.add(entry);
      this.logger.event('warn', 'outbox.kept', { ...describe(entry), error: messageOf(error) });
    }
  }

  /**
   * Write-behind: starts `write` at once and returns without waiting for Redis, so the request that ended
   * does not pay the round trip. `write` must issue (or queue, see `settleAndRecord`) its commands
   * synchronously (a repository call does), so they reach Redis ahead of every command a later request
   * of this process sends. An outage keeps `entry` in the outbox exactly as `attempt` does; any other
   * failure is logged (`metering.failed`). `close()` waits for every write still in flight before its
   * last round.
   */
  writeBehind(entry: PendingWrite, write: () => Promise<unknown>): void {
    void this.behindOf(entry, write);
  }

  /** `writeBehind`, resolving once the write landed, joined the outbox, or failed (logged); never rejects. */
  private behindOf(entry: PendingWrite, write: () => Promise<unknown>): Promise<void> {
    const done: Promise<void> = this.attempt(entry, write)
      .catch((error: unknown) =>
        this.logger.event('error', 'metering.failed', { ...describe(entry), error: messageOf(error) }),
      )
      .finally(() => this.behind.delete(done));
    this.behind.add(done);
    return done;
  }

  /**
   * The end of a request, behind its response: settles its reservation and records its usage event in
   * one script (`SettlementRepository`), queued in this turn's pipeline (`RedisTickBatch`): written to
   * Redis at the end of the current event-loop turn together with the other requests that ended in it,
   * so before any later request of this process reaches Redis (a client's next turn finds its stream slot
   * free). Nothing need be awaited; an outage keeps the whole settlement in the outbox (`settle-and-record`),
   * written once when Redis is back. The usage metrics count the event when this write recorded it.
   *
   * Resolves once Redis answered the write, or it joined the outbox, or failed (logged); never rejects.
   * A stream door that must know the slot is free on every replica before it ends the stream awaits it.
   */
  settleAndRecord(requestId: string, settlement: Settlement): Promise<void> {
    return this.behindOf({ kind: 'settle-and-record', requestId, ...settlement }, async () => {
      const reply = await this.batch.add(SettlementRepository.slotOf(settlement), (pipeline) =>
        this.settlements.queue(pipeline, settlement),
      );
      this.counted(settlement, outcomeOf(reply));
    });
  }

  stats() {
    return this.outbox.stats();
  }

  /**
   * Waits for the write-behind writes in flight (each lands or joins the outbox), then one last round,
   * then spills what is still pending (or logs it as lost when no file is set).
   */
  async close(): Promise<void> {
    this.batch.flush();
    while (this.behind.size > 0) await Promise.allSettled([...this.behind]);
    if (this.outbox.stats().pending > 0) await this.outbox.flush();
    const left = await this.outbox.drain();
    if (left.length === 0) {
      this.file?.spill([]);
      return;
    }
    if (this.file) {
      this.file.spill(left);
      this.logger.event('warn', 'outbox.spilled', { entries: left.length });
    } else {
      this.logger.event('error', 'outbox.lost', { entries: left.length, hint: 'set redis.outbox.file' });
    }
  }

  private counted(settlement: Settlement, outcome: SettlementOutcome): void {
    if (outcome.recorded) this.record.countRecorded(settlement.event);
  }

  private async write(entry: PendingWrite): Promise<void> {
    try {
      switch (entry.kind) {
        case 'settle-and-record':
          this.counted(entry, await this.settlements.write(entry));
          break;
        case 'usage':
          await this.record.save(entry.event);
          break;
        case 'settle':
          await this.settle.execute(entry.reservation, entry.actual);
          break;
        case 'session-turn':
          await this.appendTurn.execute(entry.command);
          break;
      }
    } catch (error) {
      // Only an outage is worth retrying; anything else would fail for ever and hold up the rest.
      if (isRedisOutage(error)) throw error;
      this.logger.event('error', 'outbox.write_failed', { ...describe(entry), error: messageOf(error) });
    }
  }
}

function describe(entry: PendingWrite): Record<string, string> {
  switch (entry.kind) {
    case 'settle-and-record':
      return { kind: entry.kind, requestId: entry.requestId, tenantId: entry.event.tenant_id };
    case 'usage':
      return { kind: entry.kind, requestId: entry.event.id, tenantId: entry.event.tenant_id };
    case 'settle':
      return { kind: entry.kind, requestId: entry.requestId, tenantId: entry.reservation.principal.tenantId };
    case 'session-turn':
      return { kind: entry.kind, requestId: entry.command.requestId, tenantId: entry.command.tenantId };
  }
}

function isPendingWrite(value: unknown): value is PendingWrite {
  return typeof value === 'object' && value !== null && KINDS.has(String((value as { kind?: unknown }).kind));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
