import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import {
  FREE,
  type ModelPricing,
  NO_TOKENS,
  RecordUsage,
  type TokenBreakdown,
  type UsageStatus,
} from '@voxgate/metering';
import type { ResolvedModel } from '@voxgate/conversation';
import { type Principal, QuotaRepository, type Reservation, ReserveQuota, StreamLeaseKeeper } from '@voxgate/tenancy';
import { costMicros, nonTokenCostMicros } from '@voxgate/metering';
import { JsonLogger } from '../infra/json-logger';
import { PendingWrites } from '../infra/pending-writes';
import { GATEWAY_CONFIG } from '../infra/tokens';

/** What an audio request is expected to consume, reserved against the quotas at admission. */
export interface AudioEstimate {
  /** Token-priced parts, by modality (text in for speech, audio in for transcription, …). */
  readonly tokens: TokenBreakdown;
  readonly inputCharacters: number;
  readonly audioInMs: number;
  readonly audioOutMs: number;
}

/** An admitted speech or transcription request. */
export interface AudioAdmission {
  readonly principal: Principal;
  readonly requestId: string;
  readonly model: ResolvedModel;
  readonly pricing: ModelPricing;
  readonly estimate: AudioEstimate;
  readonly reservation: Reservation;
  readonly startedAtMs: number;
  readonly stream: boolean;
}

/** How it ended. `tokens` null: the provider reported none, and the estimate is billed (flagged). */
export interface AudioEnding {
  readonly status: UsageStatus;
  readonly provider?: string;
  readonly tokens: TokenBreakdown | null;
  readonly audioInMs: number;
  readonly audioOutMs: number;
}

/**
 * Quotas and metering of `/v1/audio/speech`, `/transcriptions` and `/translations`, the same way as chat
 * completions: admit (reserve tokens, spend and audio seconds; 429 past a limit), then settle to what was
 * consumed and record one usage event, whatever the ending. Characters count against the token limits as
 * one token per four characters; audio seconds in and out against `audio_seconds_per_day`.
 */
@Injectable()
export class MeteredAudio {
  constructor(
    private readonly reserve: ReserveQuota,
    private readonly record: RecordUsage,
    private readonly quotas: QuotaRepository,
    private readonly pending: PendingWrites,
    private readonly logger: JsonLogger,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async admit(
    principal: Principal,
    model: ResolvedModel,
    estimate: AudioEstimate,
    requestId: string,
    stream: boolean,
  ): Promise<AudioAdmission> {
    const startedAtMs = Date.now();
    const pricing = this.config.models.find((candidate) => candidate.id === model.snapshot)?.pricing ?? FREE;
    const reservation = await this.reserve.execute(
      principal,
      {
        tokens: quotaTokens(estimate.tokens, estimate.inputCharacters),
        spendMicros: costMicros(estimate.tokens, pricing) + nonTokenCostMicros(estimate, pricing),
        audioMs: Math.round(estimate.audioInMs + estimate.audioOutMs),
      },
      stream,
    );
    if (reservation.wouldRefuse) {
      this.logger.event('warn', 'quota.dry_run_refusal', {
        requestId,
        tenantId: principal.tenantId,
        limit: reservation.wouldRefuse,
      });
    }
    return { principal, requestId, model, pricing, estimate, reservation, startedAtMs, stream };
  }

  /** The pricing of the fallback that served the request, where it has its own; else the model's. */
  private servedPricing(admission: AudioAdmission, provider: string | undefined): ModelPricing {
    if (provider === undefined || provider === admission.model.provider) return admission.pricing;
    const model = this.config.models.find((candidate) => candidate.id === admission.model.snapshot);
    return model?.fallbacks.find((fallback) => fallback.provider === provider)?.pricing ?? admission.pricing;
  }

  /** Keeps a concurrent-stream slot alive while a stream runs (a no-op for other requests). */
  keepLease(admission: AudioAdmission): StreamLeaseKeeper {
    return new StreamLeaseKeeper(this.quotas, admission.reservation, this.config.quotas.streamLeaseMs);
  }

  /**
   * Settles and records behind the response in one script, as chat completions do (`MeteredChat.finish`,
   * `PendingWrites.settleAndRecord`): queued before this returns, written at the end of this event-loop
   * turn, not awaited (an outage keeps it in the outbox, written once when Redis is back). Never throws:
   * metering must not turn a delivered answer into an error.
   */
  finish(admission: AudioAdmission, ending: AudioEnding): void {
    const billable = ending.status === 'completed' || ending.status === 'cancelled';
    const tokens = ending.tokens ?? (billable ? admission.estimate.tokens : NO_TOKENS);
    const inputCharacters = billable || ending.tokens ? admission.estimate.inputCharacters : 0;
    try {
      const event = this.record.price({
        id: admission.requestId,
        tenantId: admission.principal.tenantId,
        keyId: admission.principal.keyId,
        model: admission.model.snapshot,
        provider: ending.provider ?? admission.model.provider,
        pricing: this.servedPricing(admission, ending.provider),
        startedAtMs: admission.startedAtMs,
        endedAtMs: Date.now(),
        status: ending.status,
        stream: admission.stream,
        usage: null,
        ...(ending.tokens ? { tokens } : { estimatedTokens: tokens }),
        audioInMs: billable || ending.tokens ? ending.audioInMs : 0,
        audioOutMs: ending.audioOutMs,
        inputCharacters,
      });
      const actual = {
        tokens: quotaTokens(tokens, inputCharacters),
        spendMicros: event.cost_micros,
        audioMs: event.audio_in_ms + event.audio_out_ms,
      };
      const { reservation, requestId } = admission;
      void this.pending.settleAndRecord(requestId, { reservation, actual, event });
    } catch (error) {
      this.logger.event('error', 'metering.failed', {
        requestId: admission.requestId,
        tenantId: admission.principal.tenantId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** Tokens counted against the token limits: every token, plus a token per four characters billed by characters. */
function quotaTokens(tokens: TokenBreakdown, inputCharacters: number): number {
  const counted = tokens.inputText + tokens.inputAudio + tokens.outputText + tokens.outputAudio;
  return counted > 0 ? counted : Math.ceil(inputCharacters / 4);
}
