import type { Redis } from 'ioredis';
import type { StoredFilePurpose } from '@voxgate/openai-wire';
import { collectPage, exec, indexMember } from '../redis-index';
import type { StoredFile } from './stored-file';

/**
 * A tenant's files. Keys (all under the tenant's `{t:<tenant>}` hash tag, so one tenant's keys share a
 * cluster slot, and under the client's key prefix):
 * - `file:{t:T}:<id>`           hash `{ id, bytes, created_ms, expires_ms, filename, purpose }`
 * - `file:{t:T}:<id>:content`   the bytes
 * - `files:{t:T}`               lex index of every file (see `redis-index.ts`)
 * - `files:{t:T}:<purpose>`     lex index of the files of one purpose
 *
 * A file with an expiry has both keys expire at that instant; index members of expired files are removed
 * when a listing meets them.
 */
export class FileRepository {
  constructor(private readonly redis: Redis) {}

  async put(tenantId: string, file: StoredFile, content: Buffer): Promise<void> {
    const keys = this.keys(tenantId, file.id);
    const member = indexMember(file.createdMs, file.id);
    const multi = this.redis
      .multi()
      .hset(keys.meta, {
        id: file.id,
        bytes: file.bytes,
        created_ms: file.createdMs,
        expires_ms: file.expiresMs ?? '',
        filename: file.filename,
        purpose: file.purpose,
      })
      .set(keys.content, content)
      .zadd(this.index(tenantId), 0, member)
      .zadd(this.index(tenantId, file.purpose), 0, member);
    if (file.expiresMs !== null) multi.pexpireat(keys.meta, file.expiresMs).pexpireat(keys.content, file.expiresMs);
    await exec(multi);
  }

  async get(tenantId: string, id: string): Promise<StoredFile | null> {
    return toFile(await this.redis.hgetall(this.keys(tenantId, id).meta));
  }

  async content(tenantId: string, id: string): Promise<Buffer | null> {
    return this.redis.getBuffer(this.keys(tenantId, id).content);
  }

  /** A page of files after the file `after` (exclusive); null when `after` names no file. */
  async list(
    tenantId: string,
    options: { purpose: StoredFilePurpose | null; limit: number; order: 'asc' | 'desc'; after: string | null },
  ): Promise<{ items: StoredFile[]; hasMore: boolean } | null> {
    let cursor: string | null = null;
    if (options.after !== null) {
      const anchor = await this.get(tenantId, options.after);
      if (!anchor) return null;
      cursor = indexMember(anchor.createdMs, anchor.id);
    }
    return collectPage(
      this.redis,
      this.index(tenantId, options.purpose ?? undefined),
      { cursor, limit: options.limit, order: options.order },
      async (ids) => {
        const pipeline = this.redis.pipeline();
        for (const id of ids) pipeline.hgetall(this.keys(tenantId, id).meta);
        const results = (await pipeline.exec()) ?? [];
        return results.map(([error, hash]) => (error ? null : toFile(hash as Record<string, string>)));
      },
    );
  }

  /** Deletes the file; returns whether it existed. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const file = await this.get(tenantId, id);
    if (!file) return false;
    const keys = this.keys(tenantId, id);
    const member = indexMember(file.createdMs, file.id);
    await exec(
      this.redis
        .multi()
        .del(keys.meta, keys.content)
        .zrem(this.index(tenantId), member)
        .zrem(this.index(tenantId, file.purpose), member),
    );
    return true;
  }

  private keys(tenantId: string, id: string) {
    const base = `file:{t:${tenantId}}:${id}`;
    return { meta: base, content: `${base}:content` };
  }

  private index(tenantId: string, purpose?: StoredFilePurpose): string {
    return purpose ? `files:{t:${tenantId}}:${purpose}` : `files:{t:${tenantId}}`;
  }
}

function toFile(hash: Record<string, string>): StoredFile | null {
  if (!hash.id) return null;
  return {
    id: hash.id,
    bytes: Number(hash.bytes),
    createdMs: Number(hash.created_ms),
    expiresMs: hash.expires_ms ? Number(hash.expires_ms) : null,
    filename: hash.filename ?? '',
    purpose: hash.purpose === 'batch_output' ? 'batch_output' : 'batch',
  };
}
