import type { ChatMessage } from '@voxgate/openai-wire';
import type { AudioStore } from '../repositories/audio.store';
import type { SessionRepository } from '../repositories/session.repository';
import type { InputAudioRef, StoredMessage, StoredTurn } from '../session.types';
import type { ResolveAudioReferences } from './resolve-audio-references.usecase';

/** Placeholder for input audio that is no longer stored (providers return no transcript of user audio). */
export const EXPIRED_VOICE_MESSAGE = '[earlier voice message; audio no longer available]';

/**
 * One stored turn, rendered twice: `full` with audio (input audio data, assistant audio ids) where it is
 * still available, and `compact` with every audio replaced by its transcript or a placeholder. The
 * trimmer uses `compact` for old turns before it drops whole turns.
 */
export interface HistoryTurn {
  readonly seq: number;
  readonly full: ChatMessage[];
  readonly compact: ChatMessage[];
}

export class LoadSessionHistory {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audio: AudioStore,
    private readonly resolveAudio: ResolveAudioReferences,
  ) {}

  async execute(tenantId: string, sessionId: string): Promise<HistoryTurn[]> {
    const { turns } = await this.sessions.read(tenantId, sessionId);
    return Promise.all(turns.map((turn) => this.render(tenantId, turn)));
  }

  private async render(tenantId: string, turn: StoredTurn): Promise<HistoryTurn> {
    const full: ChatMessage[] = [];
    const compact: ChatMessage[] = [];
    const transcripts: (string | undefined)[] = [];
    for (const stored of turn.messages) {
      const { message, compactMessage } = await this.renderMessage(tenantId, stored);
      full.push(message);
      compact.push(compactMessage);
      transcripts.push(typeof stored.transcript === 'string' ? stored.transcript : undefined);
    }
    return { seq: turn.seq, full: await this.resolveAudio.execute(tenantId, full, 'history', transcripts), compact };
  }

  private async renderMessage(
    tenantId: string,
    stored: StoredMessage,
  ): Promise<{ message: ChatMessage; compactMessage: ChatMessage }> {
    const message = stripInternal(stored);
    if (message.role === 'assistant' && stored.transcript !== undefined) {
      const { audio: _audio, ...rest } = message;
      return {
        message,
        compactMessage: {
          ...rest,
          content: rest.content ?? (typeof stored.transcript === 'string' ? stored.transcript : ''),
        },
      };
    }
    if (message.role !== 'user' || !Array.isArray(stored.content)) return { message, compactMessage: message };
    const parts = stored.content as (Record<string, unknown> | InputAudioRef)[];
    const fullParts = await Promise.all(
      parts.map(async (part) => {
        if (part.type !== 'input_audio_ref') return part;
        const ref = part as InputAudioRef;
        const audio = await this.audio.get(tenantId, ref.ref, true);
        return audio?.data
          ? { type: 'input_audio', input_audio: { data: audio.data, format: ref.format } }
          : { type: 'text', text: EXPIRED_VOICE_MESSAGE };
      }),
    );
    const compactParts = parts.map((part) =>
      part.type === 'input_audio_ref' ? { type: 'text', text: EXPIRED_VOICE_MESSAGE } : part,
    );
    return {
      message: { ...message, content: fullParts } as ChatMessage,
      compactMessage: { ...message, content: compactParts } as ChatMessage,
    };
  }
}

/** Drops Voxgate's bookkeeping fields (transcripts kept beside assistant audio) before a message goes upstream. */
function stripInternal(stored: StoredMessage): ChatMessage {
  const { transcript: _transcript, ...message } = stored;
  return message as unknown as ChatMessage;
}
