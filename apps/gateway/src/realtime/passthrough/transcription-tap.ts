import type { ModelPricing } from '@voxgate/metering';
import { TranscriptUsageSchema } from '@voxgate/openai-wire';
import type { PassthroughMeter } from './passthrough-meter';

type Json = Record<string, unknown>;

/** Bound on commit times kept for transcriptions not reported yet (a provider that never reports them). */
const MAX_PENDING = 256;

/**
 * Watches a pass-through session's provider events for input audio transcriptions and meters each one the
 * provider reports with its usage (`PassthroughMeter.chargeTranscription`): the provider bills them apart
 * from `response.done`. It follows the session's `audio.input.transcription.model` (from `session.created`
 * / `session.updated`) and when each user item was committed; it never changes or holds back an event.
 */
export class TranscriptionTap {
  /** `audio.input.transcription.model` of the provider's session, as last reported (null: off). */
  private model: string | null = null;
  /** When each committed user item was committed, until its transcription is reported. */
  private readonly committedAt = new Map<string, number>();

  constructor(
    private readonly meter: PassthroughMeter,
    /** The catalogue's id and `pricing` of the transcription model the session names (`meteredModelOf`). */
    private readonly meteredModel: (name: string) => { readonly model: string; readonly pricing: ModelPricing },
  ) {}

  /** A provider event, before it is relayed. */
  observe(event: Json): void {
    switch (event.type) {
      case 'session.created':
      case 'session.updated':
        this.followSession(event.session as Json | undefined);
        return;
      case 'input_audio_buffer.committed':
        if (this.model !== null && this.committedAt.size < MAX_PENDING) {
          this.committedAt.set(String(event.item_id), Date.now());
        }
        return;
      case 'conversation.item.input_audio_transcription.completed':
      case 'conversation.item.input_audio_transcription.failed':
        this.transcribed(event);
    }
  }

  private followSession(session: Json | undefined): void {
    const input = (session?.audio as { input?: { transcription?: { model?: unknown } | null } } | undefined)?.input;
    if (!input || !('transcription' in input)) return;
    const model = input.transcription?.model;
    this.model = typeof model === 'string' ? model : null;
  }

  private transcribed(event: Json): void {
    const itemId = String(event.item_id);
    const startedAtMs = this.committedAt.get(itemId) ?? Date.now();
    this.committedAt.delete(itemId);
    if (event.type !== 'conversation.item.input_audio_transcription.completed') return;
    const usage = TranscriptUsageSchema.safeParse(event.usage);
    if (!usage.success || this.model === null) return;
    this.meter.chargeTranscription({ itemId, ...this.meteredModel(this.model), usage: usage.data, startedAtMs });
  }
}
