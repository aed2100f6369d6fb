import type { Usage } from '@voxgate/openai-wire';
import { costMicros, type ModelPricing, nonTokenCostMicros } from '../pricing';
import type { UsageRepository } from '../repositories/usage.repository';
import { breakdownOf, NO_TOKENS, type TokenBreakdown } from '../token-breakdown';
import type { UsageEvent, UsageStatus } from '../usage-event';
import type { UsageMetrics } from '../usage-metrics';

/** What the pipeline knows when a request ends. */
export interface RecordUsageCommand {
  readonly id: string;
  readonly tenantId: string;
  readonly keyId: string | null;
  readonly model: string;
  readonly provider: string;
  readonly pricing: ModelPricing;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly status: UsageStatus;
  readonly stream: boolean;
  /** The provider's usage; when absent, `estimatedTokens` is billed and the event is flagged `estimated`. */
  readonly usage: Usage | null;
  readonly estimatedTokens?: TokenBreakdown;
  /**
   * Tokens the provider reported in another shape than chat's `usage` (the audio routes' usage objects),
   * already split by modality; used when `usage` is null, and not flagged `estimated`.
   */
  readonly tokens?: TokenBreakdown;
  readonly audioInMs?: number;
  readonly audioOutMs?: number;
  readonly toolCalls?: number;
  /** Characters synthesized (`/v1/audio/speech`), billed at `pricing.inputCharacters` when set. */
  readonly inputCharacters?: number;
}

/**
 * Prices and records one request's usage, exactly once per id, and counts it in the Prometheus metrics.
 * Returns the event (also when it had already been recorded, in which case nothing is counted again).
 */
export class RecordUsage {
  constructor(
    private readonly usage: UsageRepository,
    private readonly metrics: UsageMetrics,
  ) {}

  async execute(command: RecordUsageCommand): Promise<{ event: UsageEvent; recorded: boolean }> {
    const event = this.price(command);
    return { event, recorded: await this.save(event) };
  }

  /** The priced event, without recording it (pure): lets callers settle quotas in the same round trip. */
  price(command: RecordUsageCommand): UsageEvent {
    const tokens = command.usage
      ? breakdownOf(command.usage)
      : (command.tokens ?? command.estimatedTokens ?? NO_TOKENS);
    const event: UsageEvent = {
      id: command.id,
      tenant_id: command.tenantId,
      key_id: command.keyId,
      model: command.model,
      provider: command.provider,
      created_at_ms: command.startedAtMs,
      latency_ms: Math.max(0, Math.round(command.endedAtMs - command.startedAtMs)),
      status: command.status,
      stream: command.stream,
      input_text_tokens: tokens.inputText,
      input_audio_tokens: tokens.inputAudio,
      input_cached_tokens: tokens.inputCached,
      output_text_tokens: tokens.outputText,
      output_audio_tokens: tokens.outputAudio,
      audio_in_ms: Math.round(command.audioInMs ?? 0),
      audio_out_ms: Math.round(command.audioOutMs ?? 0),
      tool_calls: command.toolCalls ?? 0,
      input_characters: command.inputCharacters ?? 0,
      cost_micros:
        costMicros(tokens, command.pricing) +
        nonTokenCostMicros(
          { inputCharacters: command.inputCharacters ?? 0, audioInMs: command.audioInMs ?? 0 },
          command.pricing,
        ),
      estimated: command.usage === null && command.tokens === undefined && command.estimatedTokens !== undefined,
    };
    return event;
  }

  /** Records a priced event once; counts it in the metrics only the first time. */
  async save(event: UsageEvent): Promise<boolean> {
    const recorded = await this.usage.recordOnce(event);
    if (recorded) this.countRecorded(event);
    return recorded;
  }

  /** Counts an event that was recorded by another script (`SettlementRepository`), as `save` does: call it once, when recorded. */
  countRecorded(event: UsageEvent): void {
    this.metrics.count(event);
  }
}
