import type { Redis } from 'ioredis';
import type { StoredAudio } from '../session.types';

/**
 * Audio kept by the gateway: assistant answers under Voxgate audio ids (`audio_vg_…`) and session input
 * audio (`ain_…`). Key: `audio:{t:<tenant>}:<id>`, a hash of `StoredAudio`, expiring with the audio.
 */
export class AudioStore {
  constructor(private readonly redis: Redis) {}

  key(tenantId: string, id: string): string {
    return `audio:{t:${tenantId}}:${id}`;
  }

  async put(tenantId: string, audio: StoredAudio, ttlSeconds: number): Promise<void> {
    const key = this.key(tenantId, audio.id);
    const fields: Record<string, string> = {
      id: audio.id,
      kind: audio.kind,
      format: audio.format,
      data: audio.data,
      transcript: audio.transcript ?? '',
      upstream_id: audio.upstream_id ?? '',
      upstream_expires_at: audio.upstream_expires_at === null ? '' : String(audio.upstream_expires_at),
      expires_at: String(audio.expires_at),
    };
    const results = (await this.redis.multi().hset(key, fields).expire(key, ttlSeconds).exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async delete(tenantId: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.del(...ids.map((id) => this.key(tenantId, id)));
  }

  /** The audio, without its data unless asked (data can be megabytes). */
  async get(tenantId: string, id: string, withData = false): Promise<StoredAudio | null> {
    const key = this.key(tenantId, id);
    const fields = [
      'id',
      'kind',
      'format',
      'transcript',
      'upstream_id',
      'upstream_expires_at',
      'expires_at',
      ...(withData ? ['data'] : []),
    ];
    const values = await this.redis.hmget(key, ...fields);
    if (!values[0]) return null;
    const field = (name: string) => values[fields.indexOf(name)] ?? '';
    return {
      id: field('id'),
      kind: field('kind') === 'input' ? 'input' : 'assistant',
      format: field('format'),
      data: withData ? field('data') : '',
      transcript: field('transcript') || null,
      upstream_id: field('upstream_id') || null,
      upstream_expires_at: field('upstream_expires_at') ? Number(field('upstream_expires_at')) : null,
      expires_at: Number(field('expires_at')),
    };
  }
}
