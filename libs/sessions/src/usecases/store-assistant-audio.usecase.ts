import type { AudioStore } from '../repositories/audio.store';

export interface AssistantAudioInput {
  /** The Voxgate id the client was given (minted by `newAssistantAudioId` while streaming). */
  readonly id: string;
  /** Unix seconds, the expiry the client was told. */
  readonly expiresAt: number;
  readonly upstreamId: string;
  /** Unix seconds, the provider's expiry of `upstreamId` (about an hour). */
  readonly upstreamExpiresAt: number;
  readonly transcript: string;
  readonly format: string;
  /** Base64; stored only when the answer belongs to a session (GET can return it). */
  readonly data: string | null;
}

/**
 * Gives an assistant answer a Voxgate audio id that outlives the provider's: clients reuse it in
 * `{"role":"assistant","audio":{"id":…}}` and the gateway forwards the provider id while it is valid,
 * the transcript afterwards.
 */
export class StoreAssistantAudio {
  constructor(
    private readonly audio: AudioStore,
    private readonly now: () => number = Date.now,
  ) {}

  async execute(tenantId: string, input: AssistantAudioInput): Promise<void> {
    const { id, expiresAt } = input;
    const ttlSeconds = Math.max(1, expiresAt - Math.floor(this.now() / 1000));
    await this.audio.put(
      tenantId,
      {
        id,
        kind: 'assistant',
        format: input.format,
        data: input.data ?? '',
        transcript: input.transcript,
        upstream_id: input.upstreamId,
        upstream_expires_at: input.upstreamExpiresAt,
        expires_at: expiresAt,
      },
      ttlSeconds,
    );
  }
}
