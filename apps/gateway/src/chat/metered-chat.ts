import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import {
  AUDIO_TOKENS_PER_SECOND_OUT,
  audioDurationMs,
  base64Bytes,
  estimateRequest,
  ModelCatalog,
  PCM16_BYTES_PER_SECOND,
  type RelaySummary,
  type RequestEstimate,
  textTokensOf,
} from '@voxgate/conversation';
import {
  costMicros,
  FREE,
  type ModelPricing,
  RecordUsage,
  type TokenBreakdown,
  type UsageStatus,
} from '@voxgate/metering';
import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  GatewayError,
  type Usage,
} from '@voxgate/openai-wire';
import { type Principal, QuotaRepository, type Reservation, ReserveQuota, StreamLeaseKeeper } from '@voxgate/tenancy';
import { JsonLogger } from '../infra/json-logger';
import { PendingWrites } from '../infra/pending-writes';
import { GATEWAY_CONFIG } from '../infra/tokens';

/** An admitted request: its reservation and what is needed to meter it at the end. */
export interface Admission {
  readonly principal: Principal;
  readonly requestId: string;
  readonly model: string;
  readonly provider: string;
  readonly pricing: ModelPricing;
  readonly estimate: RequestEstimate;
  readonly reservation: Reservation;
  readonly startedAtMs: number;
  readonly stream: boolean;
}

/** Keys whose last admission's room a replica remembers (about 100 bytes each). */
const MAX_ROOMS = 50_000;

/** What `finish` answers when the client need not wait for Redis. */
const SETTLED: Promise<void> = Promise.resolve();

/** An admission under way (`MeteredChat.begin`). */
export interface PendingAdmission {
  /** The admission, or the 429 (or a Redis failure the fail policy did not absorb). */
  readonly admission: Promise<Admission>;
  /** The request may go to its provider before `admission` settles; its answer must still wait for it. */
  readonly overlap: boolean;
}

/** How the request ended, as far as metering cares. */
export interface Ending {
  readonly status: UsageStatus;
  /** The provider that served the answer; defaults to the model's own. */
  readonly provider?: string;
  /** The model name it was sent; with `provider`, picks a fallback's own `pricing`. */
  readonly upstreamModel?: string;
  readonly usage: Usage | null;
  /** Streams: what reached the client, used when the provider never reported usage. */
  readonly generated?: RelaySummary['generated'];
  readonly audioOutMs?: number;
  /** Server tool calls executed (replays excluded). */
  readonly toolCalls?: number;
}

/**
 * Quotas and metering around one chat completion: admit (estimate and reserve, or 429), then on every
 * ending settle the reservation to the real consumption and record exactly one usage event. Lives in the
 * app because it joins tenancy, metering and the pipeline; the decisions themselves are the libs' use
 * cases.
 */
@Injectable()
export class MeteredChat {
  /**
   * Per key, the room its last granted admission on this replica left (insertion order is recency: the
   * oldest goes first past `MAX_ROOMS`).
   */
  private readonly rooms = new Map<string, Reservation['remaining']>();

  constructor(
    private readonly models: ModelCatalog,
    private readonly reserve: ReserveQuota,
    private readonly record: RecordUsage,
    private readonly quotas: QuotaRepository,
    private readonly pending: PendingWrites,
    private readonly logger: JsonLogger,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Reserves the request's estimate, or throws the 429. A stream takes a `concurrent_streams` lease,
   * unless `streamLeaseHeld`: its caller holds one that covers it (a realtime session's turns).
   */
  admit(
    principal: Principal,
    request: ChatCompletionRequest,
    requestId: string,
    options: { readonly streamLeaseHeld?: boolean } = {},
  ): Promise<Admission> {
    return this.begin(principal, request, requestId, options).admission;
  }

  /**
   * Starts the admission (as `admit`) and says whether the request may go to its provider before it is
   * decided (`quotas.overlapAdmission`): only while the principal's last admission on this replica was
   * granted and left at least this request's room in its requests- and tokens-per-minute limits. A key
   * refused once, or new to this replica, is admitted first until an admission shows room again, so a key over its limits does not reach the
   * provider once per request: what a refusal can have sent is the requests in flight when the room ran
   * out, or when another limit (per day, per month, streams, audio) refused for the first time.
   */
  begin(
    principal: Principal,
    request: ChatCompletionRequest,
    requestId: string,
    options: { readonly streamLeaseHeld?: boolean } = {},
  ): PendingAdmission {
    const startedAtMs = Date.now();
    const model = this.models.resolve(request.model);
    const pricing = this.pricingOf(model.snapshot);
    const estimate = estimateRequest(request, this.config.quotas.defaultOutputTokens);
    const estimatedTokens = breakdownFromEstimate(estimate, estimate.outputTokens);
    const stream = request.stream === true;
    const tokens = estimate.inputTextTokens + estimate.inputAudioTokens + estimate.outputTokens;
    const room = this.config.quotas.overlapAdmission ? this.rooms.get(principal.keyId) : undefined;
    const overlap = room !== undefined && room.requests >= 1 && room.tokens >= tokens;
    const admission = this.reserve
      .execute(
        principal,
        {
          tokens,
          spendMicros: costMicros(estimatedTokens, pricing),
          audioMs: Math.round(
            estimate.audioInMs +
              (estimate.wantsAudio ? (estimate.outputTokens / AUDIO_TOKENS_PER_SECOND_OUT) * 1000 : 0),
          ),
        },
        stream && options.streamLeaseHeld !== true,
      )
      .then(
        (reservation): Admission => {
          this.rooms.delete(principal.keyId);
          this.rooms.set(principal.keyId, reservation.remaining);
          if (this.rooms.size > MAX_ROOMS) this.rooms.delete(this.rooms.keys().next().value!);
          if (reservation.wouldRefuse) {
            this.logger.event('warn', 'quota.dry_run_refusal', {
              requestId,
              tenantId: principal.tenantId,
              limit: reservation.wouldRefuse,
            });
          }
          return {
            principal,
            requestId,
            model: model.snapshot,
            provider: model.provider,
            pricing,
            estimate,
            reservation,
            startedAtMs,
            stream,
          };
        },
        (error: unknown) => {
          this.rooms.delete(principal.keyId);
          throw error;
        },
      );
    return { admission, overlap };
  }

  /** Keeps a concurrent-stream slot alive while the stream runs. */
  keepLease(admission: Admission): StreamLeaseKeeper {
    return new StreamLeaseKeeper(this.quotas, admission.reservation, this.config.quotas.streamLeaseMs);
  }

  /**
   * Settles and records, behind the response, in one script (`PendingWrites.settleAndRecord`): queued
   * before this returns and written to Redis at the end of this event-loop turn, with the other requests
   * that ended in it, so ahead of anything this process sends Redis for a later request (a stream's slot
   * is free for the client's next turn); its answer is not awaited. Never throws (a metering outage must
   * not turn a delivered answer into an error). What Redis could not take goes to the outbox and is
   * written, once, when Redis is back; graceful shutdown waits for every write in flight.
   *
   * Resolves when the client may be told the request is over: at once, unless the request holds a stream
   * slot counted against a `concurrent_streams` limit; then once Redis answered the settle that frees it
   * (or the settle went to the outbox), so the client's next stream finds the slot free on any replica.
   * Never rejects.
   */
  finish(admission: Admission, ending: Ending): Promise<void> {
    // A stream that started and ended without usage (cancelled, broken) consumed its prompt and what it
    // generated; a request that failed before starting consumed nothing billable.
    const estimated =
      ending.usage || !ending.generated ? undefined : estimateFromGenerated(admission.estimate, ending.generated);
    const audioOutMs =
      ending.audioOutMs ?? (ending.generated ? (ending.generated.audioBytes / PCM16_BYTES_PER_SECOND) * 1000 : 0);
    try {
      const event = this.record.price({
        id: admission.requestId,
        tenantId: admission.principal.tenantId,
        keyId: admission.principal.keyId,
        model: admission.model,
        provider: ending.provider ?? admission.provider,
        pricing: this.servedPricing(admission, ending),
        startedAtMs: admission.startedAtMs,
        endedAtMs: Date.now(),
        status: ending.status,
        stream: admission.stream,
        usage: ending.usage,
        ...(estimated ? { estimatedTokens: estimated } : {}),
        audioInMs: admission.estimate.audioInMs,
        audioOutMs,
        toolCalls: ending.toolCalls ?? 0,
      });
      const tokens =
        event.input_text_tokens + event.input_audio_tokens + event.output_text_tokens + event.output_audio_tokens;
      const actual = { tokens, spendMicros: event.cost_micros, audioMs: event.audio_in_ms + event.audio_out_ms };
      const { reservation, requestId } = admission;
      const written = this.pending.settleAndRecord(requestId, { reservation, actual, event });
      return reservation.leaseId !== null && reservation.streamsLimited === true ? written : SETTLED;
    } catch (error) {
      this.logger.event('error', 'metering.failed', {
        requestId: admission.requestId,
        tenantId: admission.principal.tenantId,
        error: error instanceof Error ? error.message : String(error),
      });
      return SETTLED;
    }
  }

  /** Maps a failure before any answer to its metering status. */
  static statusOf(error: unknown): UsageStatus {
    if (error instanceof GatewayError && error.status < 500) return 'failed';
    if (error instanceof GatewayError) return 'upstream_error';
    return error instanceof Error && error.name === 'ClientDisconnectedError' ? 'cancelled' : 'failed';
  }

  /** Duration of a non-streamed audio answer, where its format tells it. */
  static audioOutMs(body: ChatCompletionResponse, format: string | undefined): number {
    const audio = body.choices[0]?.message.audio;
    if (!audio || !format) return 0;
    const head = Buffer.from(audio.data.slice(0, 64), 'base64');
    return audioDurationMs(format, base64Bytes(audio.data), head) ?? 0;
  }

  /** The pricing of the fallback that served the answer, where it has its own; else the model's. */
  private servedPricing(admission: Admission, ending: Ending): ModelPricing {
    if (ending.provider === undefined || ending.provider === admission.provider) return admission.pricing;
    const model = this.config.models.find((candidate) => candidate.id === admission.model);
    if (!model) return admission.pricing;
    const primaryUpstream = model.upstreamModel ?? model.id;
    const fallback = model.fallbacks.find(
      (candidate) =>
        candidate.provider === ending.provider &&
        (ending.upstreamModel === undefined || (candidate.upstreamModel ?? primaryUpstream) === ending.upstreamModel),
    );
    return fallback?.pricing ?? admission.pricing;
  }

  private pricingOf(snapshot: string): ModelPricing {
    return this.config.models.find((model) => model.id === snapshot)?.pricing ?? FREE;
  }
}

function breakdownFromEstimate(estimate: RequestEstimate, outputTokens: number): TokenBreakdown {
  return {
    inputText: estimate.inputTextTokens,
    inputAudio: estimate.inputAudioTokens,
    inputCached: 0,
    outputText: estimate.wantsAudio ? 0 : outputTokens,
    outputAudio: estimate.wantsAudio ? outputTokens : 0,
  };
}

/** The provider reported nothing (cancelled stream): bill the prompt estimate and what was generated. */
function estimateFromGenerated(estimate: RequestEstimate, generated: RelaySummary['generated']): TokenBreakdown {
  const audioSeconds = generated.audioBytes / PCM16_BYTES_PER_SECOND;
  return {
    inputText: estimate.inputTextTokens,
    inputAudio: estimate.inputAudioTokens,
    inputCached: 0,
    outputText: textTokensOf(generated.textChars),
    outputAudio: Math.ceil(audioSeconds * AUDIO_TOKENS_PER_SECOND_OUT),
  };
}
