import type { CursorPage } from '@voxgate/openai-wire';
import type { Redis } from 'ioredis';

/**
 * Ordered listing of a tenant's objects with OpenAI's `after` cursor. Each index is a sorted set whose
 * members are `<created ms, 13 digits>:<id>` at score 0, so lexicographic order is creation order (ties by
 * id) and a cursor is found again from the object's own creation time.
 */
export function indexMember(createdMs: number, id: string): string {
  return `${String(createdMs).padStart(13, '0')}:${id}`;
}

export function idOfMember(member: string): string {
  return member.slice(member.indexOf(':') + 1);
}

/** The next members after `cursor` (exclusive), at most `count`, in the given order. */
export async function pageMembers(
  redis: Redis,
  index: string,
  options: { cursor: string | null; count: number; order: 'asc' | 'desc' },
): Promise<string[]> {
  if (options.order === 'asc') {
    const from = options.cursor === null ? '-' : `(${options.cursor}`;
    return redis.zrangebylex(index, from, '+', 'LIMIT', 0, options.count);
  }
  const from = options.cursor === null ? '+' : `(${options.cursor}`;
  return redis.zrevrangebylex(index, from, '-', 'LIMIT', 0, options.count);
}

/**
 * Collects up to `limit` live objects after `cursor`, dropping (and removing) index members whose object
 * has expired. Returns the objects and whether more follow.
 */
export async function collectPage<T>(
  redis: Redis,
  index: string,
  options: { cursor: string | null; limit: number; order: 'asc' | 'desc' },
  load: (ids: string[]) => Promise<(T | null)[]>,
): Promise<{ items: T[]; hasMore: boolean }> {
  const items: T[] = [];
  let cursor = options.cursor;
  for (;;) {
    const want = options.limit - items.length + 1;
    const members = await pageMembers(redis, index, { cursor, count: Math.max(want, 50), order: options.order });
    if (members.length === 0) return { items, hasMore: false };
    const loaded = await load(members.map(idOfMember));
    const gone: string[] = [];
    for (let index_ = 0; index_ < members.length; index_++) {
      const item = loaded[index_];
      if (item === null || item === undefined) {
        gone.push(members[index_] ?? '');
        continue;
      }
      if (items.length === options.limit) {
        if (gone.length) await redis.zrem(index, ...gone);
        return { items, hasMore: true };
      }
      items.push(item);
    }
    if (gone.length) await redis.zrem(index, ...gone);
    cursor = members.at(-1) ?? null;
  }
}

/** Runs a MULTI and fails loudly if any command in it failed (ioredis only reports them per command). */
export async function exec(multi: ReturnType<Redis['multi']>): Promise<void> {
  const results = (await multi.exec()) ?? [];
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
}

/** An OpenAI cursor page of `data` (ids of the first and last item, or null when empty). */
export function cursorPage<T extends { id: string }>(data: T[], hasMore: boolean): CursorPage<T> {
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}
