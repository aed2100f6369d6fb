import { type ChatMessage, Errors } from '@voxgate/openai-wire';
import type { AudioStore } from '../repositories/audio.store';
import { isVoxgateAudioId } from '../audio-ids';

/** Provider audio ids are refreshed this long before they expire, so a request in flight never races expiry. */
const EXPIRY_MARGIN_SECONDS = 120;

/**
 * Rewrites `{"role":"assistant","audio":{"id":"audio_vg_…"}}` for the provider: its own audio id while that
 * is valid, else the transcript as text content. Ids that are not Voxgate's pass through untouched.
 * An unknown or forgotten Voxgate id is OpenAI's 400, naming the message.
 */
export class ResolveAudioReferences {
  constructor(
    private readonly audio: AudioStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `fallbacks[i]` is the transcript to use for message `i` when its Voxgate audio is no longer stored (a
   * session's own history): instead of a 400, the turn continues as text.
   */
  async execute(
    tenantId: string,
    messages: readonly ChatMessage[],
    paramPrefix = 'messages',
    fallbacks: readonly (string | undefined)[] = [],
  ): Promise<ChatMessage[]> {
    const nowSeconds = Math.floor(this.now() / 1000);
    return Promise.all(
      messages.map(async (message, index) => {
        if (message.role !== 'assistant' || !message.audio || !isVoxgateAudioId(message.audio.id)) return message;
        const stored = await this.audio.get(tenantId, message.audio.id);
        const fallback = fallbacks[index];
        if (!stored && fallback !== undefined) {
          const { audio: _gone, ...text } = message;
          return { ...text, content: typeof text.content === 'string' && text.content ? text.content : fallback };
        }
        if (!stored) {
          throw Errors.invalidRequest(
            `Audio with id '${message.audio.id}' not found or expired.`,
            `${paramPrefix}[${index}].audio.id`,
          );
        }
        const { audio: _audio, ...rest } = message;
        if (stored.upstream_id && (stored.upstream_expires_at ?? 0) - EXPIRY_MARGIN_SECONDS > nowSeconds) {
          return { ...rest, audio: { id: stored.upstream_id } };
        }
        return {
          ...rest,
          content: typeof rest.content === 'string' && rest.content ? rest.content : (stored.transcript ?? ''),
        };
      }),
    );
  }
}
