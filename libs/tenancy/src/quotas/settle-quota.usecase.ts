import type { QuotaAmounts, QuotaRepository, ScriptCall } from './quota.repository';
import type { Reservation } from './reserve-quota.usecase';

/**
 * Settles a reservation to what the request actually consumed (zero for a request that failed before
 * the provider did any work), and ends its stream lease. Overshoot is bounded by one request's
 * difference between estimate and actual. Idempotent on the reservation's id: resolves `false` when the
 * reservation was already settled (a retry after a Redis blip), `true` when this call settled it.
 */
export class SettleQuota {
  constructor(private readonly quotas: QuotaRepository) {}

  async execute(reservation: Reservation, actual: QuotaAmounts): Promise<boolean> {
    const { principal, windows, leaseId, id } = reservation;
    return this.quotas.settle(principal, windows, settleDelta(reservation, actual), leaseId, id);
  }

  /** The settle script's keys and arguments for this reservation (run elsewhere, e.g. with the usage event). */
  call(reservation: Reservation, actual: QuotaAmounts): ScriptCall {
    const { principal, windows, leaseId, id } = reservation;
    return this.quotas.settleCall(principal, windows, settleDelta(reservation, actual), leaseId, id);
  }
}

function settleDelta(reservation: Reservation, actual: QuotaAmounts): QuotaAmounts {
  return {
    tokens: actual.tokens - reservation.estimate.tokens,
    spendMicros: actual.spendMicros - reservation.estimate.spendMicros,
    audioMs: actual.audioMs - reservation.estimate.audioMs,
  };
}

/**
 * A stream's lease while the stream runs: renewed every third of its life (a crashed replica simply stops
 * renewing, and its leases expire), until `stop()` or `release()`.
 */
export class StreamLeaseKeeper {
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly quotas: QuotaRepository,
    private readonly reservation: Reservation,
    leaseMs: number,
    now: () => number = Date.now,
  ) {
    const { leaseId, principal } = reservation;
    this.timer = leaseId
      ? setInterval(
          () => void quotas.renewLease(principal, leaseId, now() + leaseMs).catch(() => undefined),
          Math.max(1_000, leaseMs / 3),
        )
      : null;
    this.timer?.unref();
  }

  /** Stops renewing; the lease ends with the request's settle (or expires). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Stops renewing and, when the lease counts against a `concurrent_streams` limit, ends it in Redis and
   * resolves once Redis answered: awaited before the stream's last write (`[DONE]`, the closing event, an
   * in-band error), so a client that starts its next stream on any replica as soon as it sees this one end
   * finds the slot free. The settle that follows cannot promise that: it is written behind the response.
   * Resolves at once when there is no limit to free room in; never rejects (Redis failing leaves the slot
   * to the settle and its outbox, or to the lease's expiry). Takes one round trip, bounded by the client's
   * command timeout.
   */
  async release(): Promise<void> {
    this.stop();
    const { leaseId, principal, streamsLimited } = this.reservation;
    if (!leaseId || streamsLimited !== true) return;
    await this.quotas.releaseLease(principal, leaseId).catch(() => undefined);
  }
}
