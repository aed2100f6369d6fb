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

/** Keeps a long stream's lease alive until `stop()`; a crashed replica simply stops renewing. */
export class StreamLeaseKeeper {
  private readonly timer: NodeJS.Timeout | null;

  constructor(quotas: QuotaRepository, reservation: Reservation, leaseMs: number, now: () => number = Date.now) {
    const { leaseId, principal } = reservation;
    this.timer = leaseId
      ? setInterval(
          () => void quotas.renewLease(principal, leaseId, now() + leaseMs).catch(() => undefined),
          Math.max(1_000, leaseMs / 3),
        )
      : null;
    this.timer?.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
