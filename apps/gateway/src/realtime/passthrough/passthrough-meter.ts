import { RecordUsage, type TokenBreakdown, type UsageStatus } from '@voxgate/metering';
import { GatewayError } from '@voxgate/openai-wire';
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
      const actual = {
        tokens: tokens.inputText + tokens.inputAudio + tokens.outputText + tokens.outputAudio,
        spendMicros: event.cost_micros,
        audioMs: event.audio_in_ms + event.audio_out_ms,
      };
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
    const actual = { tokens: 0, spendMicros: 0, audioMs: 0 };
    this.deps.pending.writeBehind(
      { kind: 'settle', requestId: `${this.requestId}:close`, reservation: gate, actual },
      () => this.deps.settle.execute(gate, actual),
    );
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
