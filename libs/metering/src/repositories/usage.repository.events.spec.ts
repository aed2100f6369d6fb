import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { byTimeThenId, DAY_START_MS, HOUR_MS, randomEvents, usageEvent } from '../__fixtures__/usage-event.factory';
import type { UsageEvent } from '../usage-event';
import { UsageRepository } from './usage.repository';

const RETENTION_MS = 7 * 86_400_000;

describe('UsageRepository.events paging (real Redis)', () => {
  const testRedis = useTestRedis();
  const repository = () => new UsageRepository(testRedis().redis, RETENTION_MS);

  /** Follows cursors to the end; stops after `maxPages` so a cursor that loops fails instead of hanging. */
  async function readAll(
    usage: UsageRepository,
    tenantId: string,
    fromMs: number,
    toMs: number,
    limit: number,
    maxPages = 1_000,
  ): Promise<{ ids: string[]; pages: number[] }> {
    const ids: string[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await usage.events(tenantId, fromMs, toMs, limit, cursor);
      ids.push(...page.events.map((event) => event.id));
      pages.push(page.events.length);
      cursor = page.nextCursor;
    } while (cursor && pages.length < maxPages);
    return { ids, pages };
  }

  async function record(usage: UsageRepository, events: readonly UsageEvent[]): Promise<void> {
    await Promise.all(events.map((event) => usage.recordOnce(event)));
  }

  it('returns every event exactly once, oldest first, with many events sharing a millisecond', async () => {
    const usage = repository();
    const events = randomEvents({
      count: 300,
      seed: 11,
      fromMs: DAY_START_MS,
      spanMs: 20_000, // 20 distinct seconds: ~15 events per millisecond value
      tenants: ['ten_1'],
      models: ['m1', 'm2'],
      keys: ['key_a', null],
    });
    await record(usage, events);
    const expected = [...events].sort(byTimeThenId).map((event) => event.id);
    for (const limit of [1, 7, 15, 16, 299, 300, 301]) {
      const { ids, pages } = await readAll(usage, 'ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS, limit);
      expect(ids).toEqual(expected);
      expect(pages.slice(0, -1).every((size) => size === limit)).toBe(true);
      expect(pages.length).toBe(Math.max(1, Math.ceil(300 / limit)));
    }
  });

  it('returns the stored events themselves, and nextCursor is null on the last page', async () => {
    const usage = repository();
    const first = usageEvent({ id: 'a', created_at_ms: DAY_START_MS + 1, key_id: null, status: 'failed' });
    const second = usageEvent({ id: 'b', created_at_ms: DAY_START_MS + 2, estimated: true, stream: true });
    await record(usage, [second, first]);
    const page = await usage.events('ten_1', DAY_START_MS, DAY_START_MS + 3, 1, null);
    expect(page.events).toEqual([first]);
    expect(page.nextCursor).toEqual(expect.any(String));
    await expect(usage.events('ten_1', DAY_START_MS, DAY_START_MS + 3, 1, page.nextCursor)).resolves.toEqual({
      events: [second],
      nextCursor: null,
    });
    await expect(usage.events('ten_1', DAY_START_MS, DAY_START_MS + 3, 2, null)).resolves.toEqual({
      events: [first, second],
      nextCursor: null,
    });
    await expect(usage.events('ten_2', DAY_START_MS, DAY_START_MS + 3, 2, null)).resolves.toEqual({
      events: [],
      nextCursor: null,
    });
  });

  it('includes from and excludes to', async () => {
    const usage = repository();
    await record(usage, [
      usageEvent({ id: 'before', created_at_ms: DAY_START_MS - 1 }),
      usageEvent({ id: 'at-from', created_at_ms: DAY_START_MS }),
      usageEvent({ id: 'inside', created_at_ms: DAY_START_MS + 500 }),
      usageEvent({ id: 'at-to', created_at_ms: DAY_START_MS + 1_000 }),
    ]);
    const { ids } = await readAll(usage, 'ten_1', DAY_START_MS, DAY_START_MS + 1_000, 1);
    expect(ids).toEqual(['at-from', 'inside']);
  });

  it('pages through more than a thousand events that share one millisecond, and the events after them', async () => {
    const usage = repository();
    // E.g. a batch whose requests are all recorded with the batch's creation time.
    const batch = Array.from({ length: 1_200 }, (_, index) =>
      usageEvent({ id: `batch_req_${String(index).padStart(4, '0')}`, created_at_ms: DAY_START_MS }),
    );
    const later = Array.from({ length: 10 }, (_, index) =>
      usageEvent({ id: `req_${index}`, created_at_ms: DAY_START_MS + 1 + index }),
    );
    await record(usage, [...batch, ...later]);
    const { ids, pages } = await readAll(usage, 'ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS, 50, 40);
    expect({
      pages: pages.length,
      events: ids.length,
      distinct: new Set(ids).size,
      lastBatchEvent: ids.includes('batch_req_1199'),
      laterEvents: ids.filter((id) => id.startsWith('req_')).length,
    }).toEqual({ pages: 25, events: 1_210, distinct: 1_210, lastBatchEvent: true, laterEvents: 10 });
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['empty', ''],
    ['not a pair', Buffer.from(JSON.stringify({ score: 1, id: 'a' })).toString('base64url')],
    ['wrong types', Buffer.from(JSON.stringify(['1', 2])).toString('base64url')],
  ])('an invalid cursor (%s) is a 400 GatewayError on param page', async (_name, cursor) => {
    const attempt = repository().events('ten_1', DAY_START_MS, DAY_START_MS + 1, 10, cursor);
    await expect(attempt).rejects.toBeInstanceOf(GatewayError);
    await expect(attempt).rejects.toMatchObject({ status: 400, type: 'invalid_request_error', param: 'page' });
  });
});
