import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Transcripts of a session's user audio (realtime input audio transcription), so a resumed conversation
 * gets them back and sends older voice turns as their transcript rather than a placeholder.
 *
 * Key: `session:{t:<tenant>}:<sid>:transcripts`, a hash from `audioKey(samples)` to the transcript, under
 * the session's hash tag, deleted with the session (`SessionRepository.delete`). It lives as long as the
 * input audio it describes (`sessions.inputAudioTtlSeconds`; 0 stores nothing): keyed by the audio's
 * content, it is of no use once that audio is gone. The turn itself is stored by the completion pipeline,
 * usually before its transcript is known, hence this separate hash rather than a field of the turn.
 */
export class InputTranscriptStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  /** The field of a user audio clip: a SHA-256 of its 16-bit samples (little-endian) and rate. */
  static audioKey(samples: Int16Array, sampleRate: number): string {
    return createHash('sha256')
      .update(`${sampleRate}:`)
      .update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength))
      .digest('base64url');
  }

  async put(tenantId: string, sessionId: string, audioKey: string, transcript: string): Promise<void> {
    if (this.ttlSeconds <= 0) return;
    const key = InputTranscriptStore.key(tenantId, sessionId);
    await this.redis.multi().hset(key, audioKey, transcript).expire(key, this.ttlSeconds).exec();
  }

  /** The transcripts known for `audioKeys`, in order (null where none). */
  async get(tenantId: string, sessionId: string, audioKeys: readonly string[]): Promise<(string | null)[]> {
    if (audioKeys.length === 0) return [];
    return this.redis.hmget(InputTranscriptStore.key(tenantId, sessionId), ...audioKeys);
  }

  static key(tenantId: string, sessionId: string): string {
    return `session:{t:${tenantId}}:${sessionId}:transcripts`;
  }
}
