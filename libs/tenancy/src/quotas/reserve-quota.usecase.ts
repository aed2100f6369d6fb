import { randomBytes } from 'node:crypto';
import type { Principal } from '../tenancy.types';
import type { LimitName } from './quota-limits';
import type { QuotaAmounts, QuotaRepository, ReserveOutcome } from './quota.repository';
import { quotaRefusal } from './quota-refusal';
import { formatResetDuration, type QuotaWindows, windowsAt } from './quota-windows';

export interface QuotaSettings {
  /** Decide and report, but never refuse (for rolling out new limits). */
  readonly dryRun: boolean;
  /** How long a stream lease lives without renewal; renewed at a third of it while the stream runs. */
  readonly streamLeaseMs: number;
  /**
   * Told about every refusal (metrics): which limit of which scope, and whether it was enforced (false
   * in a dry run, where the request goes through). Must not throw.
   */
  readonly onRefusal?: (refusal: QuotaRefusalInfo, enforced: boolean) => void;
}

/** Which limit refused a request. */
export interface QuotaRefusalInfo {
  readonly scope: 'tenant' | 'key';
  readonly limit: LimitName;
}

/** An admitted request's claim on its quotas; settle it exactly once. */
export interface Reservation {
  /** Random id of this reservation; settling is idempotent on it (a retried settle changes nothing). */
  readonly id: string;
  readonly principal: Principal;
  readonly windows: QuotaWindows;
  readonly estimate: QuotaAmounts;
  readonly leaseId: string | null;
  /**
   * The lease counts against a `concurrent_streams` limit of the tenant or the key: a stream door releases
   * it (`StreamLeaseKeeper.release`) before the client can see the stream end. Absent in entries an
   * older version spilled to the outbox, read as false.
   */
  readonly streamsLimited?: boolean;
  /** `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` for limits that exist. */
  readonly headers: Readonly<Record<string, string>>;
  /** Set when a dry run would have refused: which limit, for the log. */
  readonly wouldRefuse: string | null;
  /**
   * What the tightest requests-per-minute and tokens-per-minute limits left after this reservation
   * (`Infinity` where no such limit is set): the gateway lets a principal's next request leave for its
   * provider during its admission only while these leave room for it (`quotas.overlapAdmission`).
   */
  readonly remaining: { readonly requests: number; readonly tokens: number };
}

/**
 * Admission: reserves the request's estimate against the tenant's and the key's limits in one atomic
 * script, or throws OpenAI's 429. The check and the charge are one step, so there is no
 * check-then-charge race between replicas.
 */
export class ReserveQuota {
  constructor(
    private readonly quotas: QuotaRepository,
    private readonly settings: QuotaSettings,
    private readonly now: () => number = Date.now,
    /**
     * `bytes` random bytes from the CSPRNG as hex, for reservation and lease ids: the gateway passes its
     * pooled source (one refill per 4 KiB instead of one call per id on the hot path).
     */
    private readonly randomHex: (bytes: number) => string = (bytes) => randomBytes(bytes).toString('hex'),
  ) {}

  async execute(principal: Principal, estimate: QuotaAmounts, stream: boolean): Promise<Reservation> {
    const nowMs = this.now();
    const windows = windowsAt(nowMs);
    const leaseId = stream ? this.randomHex(8) : null;
    const outcome = await this.quotas.reserve({
      principal,
      estimate,
      stream,
      leaseId: leaseId ?? '',
      leaseExpiresAtMs: nowMs + this.settings.streamLeaseMs,
      nowMs,
      windows,
      dryRun: this.settings.dryRun,
    });
    const headers = rateLimitHeaders(outcome);
    if (outcome.refusal) this.settings.onRefusal?.(outcome.refusal, !outcome.admitted);
    if (!outcome.admitted) {
      const requested = outcome.refusal?.limit.startsWith('tokens')
        ? estimate.tokens
        : outcome.refusal?.limit === 'audio_seconds_per_day'
          ? estimate.audioMs
          : 1;
      throw quotaRefusal(outcome, requested, headers);
    }
    return {
      id: this.randomHex(12),
      principal,
      windows,
      estimate,
      leaseId,
      streamsLimited: outcome.streamsLimited,
      headers,
      wouldRefuse: outcome.refusal ? outcome.refusal.limit : null,
      remaining: {
        requests: outcome.requests.limit < 0 ? Infinity : outcome.requests.remaining,
        tokens: outcome.tokens.limit < 0 ? Infinity : outcome.tokens.remaining,
      },
    };
  }
}

function rateLimitHeaders(outcome: ReserveOutcome): Record<string, string> {
  const headers: Record<string, string> = {};
  // Constant names (no key built per request): the object keeps one fast shape, cheap to spread.
  if (outcome.requests.limit >= 0) {
    headers['x-ratelimit-limit-requests'] = String(outcome.requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(outcome.requests.remaining);
    headers['x-ratelimit-reset-requests'] = formatResetDuration(outcome.requests.resetMs);
  }
  if (outcome.tokens.limit >= 0) {
    headers['x-ratelimit-limit-tokens'] = String(outcome.tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(outcome.tokens.remaining);
    headers['x-ratelimit-reset-tokens'] = formatResetDuration(outcome.tokens.resetMs);
  }
  return headers;
}
