import { type ModelPricing, RecordUsage, type TokenBreakdown, type UsageStatus } from '@voxgate/metering';
import { GatewayError, type TranscriptUsage } from '@voxgate/openai-wire';
import { transcriptTokensOf } from '../../audio/transcription-metering';
import type { Principal, QuotaAmounts, Reservation, ReserveQuota, SettleQuota } from '@voxgate/tenancy';
import type { PendingWrites } from '../../infra/pending-writes';
import type { PassthroughTarget } from './passthrough-target';

/** `usage` of a provider's `response.done` (spec `RealtimeResponseUsage`); every field may be absent. */
export interface RealtimeUsage {
  readonly total_tokens?: number;
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly input_token_details?: { text_tokens?: number; audio_tokens?: number; cached_tokens?: number };
  readonly output_token_details?: { text_tokens?: number; audio_tokens?: number };
}

/** What one upstream response consumed, as the relay saw it. */
export interface MeteredResponse {
  readonly responseId: string;
  readonly status: string;
  readonly usage: RealtimeUsage | null;
  readonly startedAtMs: number;
  readonly audioInMs: number;
  readonly audioOutMs: number;
  readonly toolCalls: number;
}

/** One input audio transcription the provider reported on the session. */
export interface MeteredTranscription {
  /** The user item it transcribed (the usage event's id is `<request id>:<item id>:transcription`). */
  readonly itemId: string;
  /** The session's `audio.input.transcription.model`, as the client named it. */
  readonly model: string;
  readonly usage: TranscriptUsage;
  /** The transcription model's own `pricing` in the catalogue (free when it lists none). */
  readonly pricing: ModelPricing;
  readonly startedAtMs: number;
}

const NOTHING: QuotaAmounts = { tokens: 0, spendMicros: 0, audioMs: 0 };

/**
 * The smallest claim that still checks every limit: the quota script only tests a limit when the amount
 * asked is positive, so asking 1 token, 1 micro-USD and 1 ms refuses a session whose tenant or key has used
 * up its tokens, spend or audio seconds (and counts one request).
 */
const GATE: QuotaAmounts = { tokens: 1, spendMicros: 1, audioMs: 1 };

/**
 * Quotas and metering of one pass-through session. The session always holds one reservation (the
 * "gate"): taken when the session opens and again after every `response.done`; each response is settled
 * against the gate it ran under and recorded as its own usage event (id `<request id>:<response id>`, so
 * a replayed write changes nothing), priced like chat with the model's pricing. A refused gate is the
 * session being over budget: `charge` and `open` throw the 429 `GatewayError`, and the relay closes.
 */
export class PassthroughMeter {
  private gate: Reservation | null = null;
  private closed = false;
  /** Consumed outside responses (input transcriptions) since the last settle: counted by the next one. */
  private unsettled: QuotaAmounts = NOTHING;

  constructor(
    private readonly deps: {
      readonly reserve: ReserveQuota;
      readonly settle: SettleQuota;
      readonly record: RecordUsage;
      readonly pending: PendingWrites;
    },
    private readonly principal: Principal,
    private readonly target: PassthroughTarget,
    private readonly requestId: string,
  ) {}

  /** Takes the first gate; throws the quota's 429 when the session may not start. */
  async open(): Promise<void> {
    const gate = await this.deps.reserve.execute(this.principal, GATE, false);
    if (this.closed) this.release(gate);
    else this.gate = gate;
  }

  /**
   * Records one response and settles it against the current gate, then takes the next gate. The usage
   * event and the settle are issued to Redis before the next reservation (same connection, in order), so
   * the next check sees this response's consumption. Throws the 429 when the session is now over budget.
   */
  async charge(response: MeteredResponse): Promise<void> {
    const tokens = tokensOf(response.usage);
    const event = this.deps.record.price({
      id: `${this.requestId}:${response.responseId}`,
      tenantId: this.principal.tenantId,
      keyId: this.principal.keyId,
      model: this.target.model,
      provider: this.target.provider,
      pricing: this.target.pricing,
      startedAtMs: response.startedAtMs,
      endedAtMs: Date.now(),
      status: statusOf(response.status),
      stream: true,
      usage: null,
      tokens,
      audioInMs: response.audioInMs,
      audioOutMs: response.audioOutMs,
      toolCalls: response.toolCalls,
    });
    this.deps.pending.writeBehind({ kind: 'usage', event }, () => this.deps.record.save(event));
    const gate = this.gate;
    this.gate = null;
    if (gate) {
      const actual = this.withUnsettled({
        tokens: tokens.inputText + tokens.inputAudio + tokens.outputText + tokens.outputAudio,
        spendMicros: event.cost_micros,
        audioMs: event.audio_in_ms + event.audio_out_ms,
      });
      const requestId = `${this.requestId}:${response.responseId}`;
      this.deps.pending.writeBehind({ kind: 'settle', requestId, reservation: gate, actual }, () =>
        this.deps.settle.execute(gate, actual),
      );
    }
    const next = await this.deps.reserve.execute(this.principal, GATE, false);
    // The session may have closed while the gate was being taken: give it straight back.
    if (this.closed) this.release(next);
    else this.gate = next;
  }

  /**
   * Records an input audio transcription the provider ran for the session (its `…completed` event carries
   * `usage`): one usage event under the session's key, priced with the transcription model's own pricing,
   * behind the relay like a response's. The provider bills these apart from `response.done`, so without
   * this a pass-through session would transcribe for free. Its tokens, cost and audio count toward quotas
   * with the session's next settle (the next `response.done`, or the close).
   */
  chargeTranscription(transcription: MeteredTranscription): void {
    const duration = transcription.usage.type === 'duration' ? transcription.usage.seconds * 1000 : 0;
    const tokens = transcriptTokensOf(transcription.usage);
    const event = this.deps.record.price({
      id: `${this.requestId}:${transcription.itemId}:transcription`,
      tenantId: this.principal.tenantId,
      keyId: this.principal.keyId,
      model: transcription.model,
      provider: this.target.provider,
      pricing: transcription.pricing,
      startedAtMs: transcription.startedAtMs,
      endedAtMs: Date.now(),
      status: 'completed',
      stream: false,
      usage: null,
      tokens,
      audioInMs: duration,
      audioOutMs: 0,
      toolCalls: 0,
    });
    this.deps.pending.writeBehind({ kind: 'usage', event }, () => this.deps.record.save(event));
    this.unsettled = {
      tokens: this.unsettled.tokens + tokens.inputText + tokens.inputAudio + tokens.outputText,
      spendMicros: this.unsettled.spendMicros + event.cost_micros,
      audioMs: this.unsettled.audioMs + event.audio_in_ms,
    };
  }

  /**
   * The rate-limit headers of the gate the session holds now (`x-ratelimit-*`, the tenant's and key's
   * requests and tokens left once it was taken); empty before `open` and for a tenant without limits.
   */
  get rateLimitHeaders(): Readonly<Record<string, string>> {
    return this.gate?.headers ?? {};
  }

  /** Returns the unused gate (settled to nothing). Idempotent. */
  close(): void {
    this.closed = true;
    const gate = this.gate;
    this.gate = null;
    if (gate) this.release(gate);
  }

  private release(gate: Reservation): void {
    const actual = this.withUnsettled(NOTHING);
    this.deps.pending.writeBehind(
      { kind: 'settle', requestId: `${this.requestId}:close`, reservation: gate, actual },
      () => this.deps.settle.execute(gate, actual),
    );
  }

  /** `actual` plus what was consumed outside responses since the last settle, which this settle takes. */
  private withUnsettled(actual: QuotaAmounts): QuotaAmounts {
    const unsettled = this.unsettled;
    this.unsettled = NOTHING;
    return {
      tokens: actual.tokens + unsettled.tokens,
      spendMicros: actual.spendMicros + unsettled.spendMicros,
      audioMs: actual.audioMs + unsettled.audioMs,
    };
  }

  /** Whether `error` is the quota refusal `open`/`charge` throw. */
  static isRefusal(error: unknown): error is GatewayError {
    return error instanceof GatewayError && error.status === 429;
  }
}

/** Realtime `usage` → the metering breakdown (cached tokens are part of text input, as for chat). */
export function tokensOf(usage: RealtimeUsage | null): TokenBreakdown {
  const input = usage?.input_token_details;
  const output = usage?.output_token_details;
  const inputAudio = input?.audio_tokens ?? 0;
  const outputAudio = output?.audio_tokens ?? 0;
  const inputText = input?.text_tokens ?? Math.max(0, (usage?.input_tokens ?? 0) - inputAudio);
  return {
    inputText,
    inputAudio,
    inputCached: Math.min(input?.cached_tokens ?? 0, inputText),
    outputText: output?.text_tokens ?? Math.max(0, (usage?.output_tokens ?? 0) - outputAudio),
    outputAudio,
  };
}

function statusOf(status: string): UsageStatus {
  if (status === 'cancelled') return 'cancelled';
  if (status === 'failed') return 'upstream_error';
  return 'completed';
}
