import type { ChatMessage } from '@voxgate/openai-wire';
import { newInputAudioId } from '../audio-ids';
import type { AudioStore } from '../repositories/audio.store';
import type { SessionRepository } from '../repositories/session.repository';
import type { InputAudioRef, StoredMessage } from '../session.types';

export interface AppendTurnCommand {
  readonly tenantId: string;
  readonly sessionId: string;
  readonly requestId: string;
  /**
   * The request's `Idempotency-Key` (or a batch line's): a retry of a request whose turn is already stored
   * stores nothing more.
   */
  readonly idempotencyKey?: string | null;
  /** The client's new messages (system and developer messages are not stored: send them every time). */
  readonly clientMessages: readonly ChatMessage[];
  /** What the gateway and model added: tool calls and results, the final assistant message. */
  readonly generated: readonly StoredMessage[];
  /** Voxgate audio ids of assistant audio produced in this turn (deleted with the session). */
  readonly assistantAudioIds: readonly string[];
}

/**
 * Stores one turn. Input audio is moved to the audio store for `inputAudioTtlSeconds` (privacy: it is
 * not kept longer than configured) and referenced from the stored message.
 */
export class AppendSessionTurn {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audio: AudioStore,
    private readonly inputAudioTtlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async execute(command: AppendTurnCommand): Promise<number> {
    const audioIds = [...command.assistantAudioIds];
    const stored: StoredMessage[] = [];
    for (const message of command.clientMessages) {
      if (message.role === 'system' || message.role === 'developer') continue;
      if (message.role !== 'user' || typeof message.content === 'string') {
        stored.push(message);
        continue;
      }
      const content: (Record<string, unknown> | InputAudioRef)[] = [];
      for (const part of message.content) {
        if (part.type !== 'input_audio') {
          content.push(part);
          continue;
        }
        const id = newInputAudioId();
        audioIds.push(id);
        if (this.inputAudioTtlSeconds > 0) {
          await this.audio.put(
            command.tenantId,
            {
              id,
              kind: 'input',
              format: part.input_audio.format,
              data: part.input_audio.data,
              transcript: null,
              upstream_id: null,
              upstream_expires_at: null,
              expires_at: Math.floor(this.now() / 1000) + this.inputAudioTtlSeconds,
            },
            this.inputAudioTtlSeconds,
          );
        }
        content.push({ type: 'input_audio_ref', ref: id, format: part.input_audio.format, duration_ms: null });
      }
      stored.push({ ...message, content });
    }
    stored.push(...command.generated);
    const seq = await this.sessions.append(
      command.tenantId,
      command.sessionId,
      {
        requestId: command.requestId,
        idempotencyKey: command.idempotencyKey ?? null,
        at: this.now(),
        messages: stored,
      },
      audioIds,
    );
    // A duplicate: the input audio just stored belongs to no session and must not outlive a delete.
    const inputAudio = audioIds.filter((id) => !command.assistantAudioIds.includes(id));
    if (seq === 0 && inputAudio.length > 0) await this.audio.delete(command.tenantId, inputAudio);
    return seq;
  }
}
