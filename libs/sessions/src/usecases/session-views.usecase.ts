import { Errors } from '@voxgate/openai-wire';
import type { AudioStore } from '../repositories/audio.store';
import type { SessionRepository } from '../repositories/session.repository';
import type { InputAudioRef, StoredMessage } from '../session.types';

/** `GET /v1/sessions/{id}`: the stored history, audio as references unless `includeAudio`. */
export class GetSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audio: AudioStore,
    private readonly ttlSeconds: number,
  ) {}

  async execute(tenantId: string, sessionId: string, includeAudio: boolean) {
    const snapshot = await this.sessions.read(tenantId, sessionId);
    if (snapshot.createdAt === null) throw Errors.notFound('session', sessionId);
    const turns = await Promise.all(
      snapshot.turns.map(async (turn) => ({
        seq: turn.seq,
        created_at: Math.floor(turn.at / 1000),
        request_id: turn.request_id,
        messages: await Promise.all(turn.messages.map((message) => this.view(tenantId, message, includeAudio))),
      })),
    );
    return {
      object: 'session' as const,
      id: sessionId,
      created_at: Math.floor(snapshot.createdAt / 1000),
      updated_at: Math.floor((snapshot.updatedAt ?? snapshot.createdAt) / 1000),
      // Reading refreshed the TTL: the session now lives `ttlSeconds` from this moment.
      expires_at: Math.floor(Date.now() / 1000) + this.ttlSeconds,
      turns,
    };
  }

  private async view(tenantId: string, message: StoredMessage, includeAudio: boolean): Promise<StoredMessage> {
    if (!includeAudio) return message;
    const audioId = message.role === 'assistant' ? (message.audio as { id?: string } | undefined)?.id : undefined;
    if (audioId) {
      const stored = await this.audio.get(tenantId, audioId, true);
      return { ...message, audio: { id: audioId, data: stored?.data || null, format: stored?.format ?? null } };
    }
    if (message.role !== 'user' || !Array.isArray(message.content)) return message;
    const content = await Promise.all(
      (message.content as (Record<string, unknown> | InputAudioRef)[]).map(async (part) => {
        if (part.type !== 'input_audio_ref') return part;
        const stored = await this.audio.get(tenantId, (part as InputAudioRef).ref, true);
        return { ...part, data: stored?.data || null };
      }),
    );
    return { ...message, content };
  }
}

/** `DELETE /v1/sessions/{id}`: the history and every audio object stored for it. */
export class DeleteSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audio: AudioStore,
  ) {}

  async execute(tenantId: string, sessionId: string) {
    const existed = await this.sessions.delete(tenantId, sessionId, (id) => this.audio.key(tenantId, id));
    if (!existed) throw Errors.notFound('session', sessionId);
    return { object: 'session.deleted' as const, id: sessionId, deleted: true as const };
  }
}
