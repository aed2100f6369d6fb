import { useTestRedis } from '@voxgate/testing';
import {
  DAY_START_MS,
  type EventSums,
  groupBy,
  HOUR_MS,
  randomEvents,
  sumEvents,
  usageEvent,
} from '../__fixtures__/usage-event.factory';
import type { HourlyAggregate } from './usage.repository';
import { UsageRepository } from './usage.repository';

const RETENTION_MS = 7 * 86_400_000;

const asSums = (row: HourlyAggregate): EventSums => ({ ...row.metrics });

describe('UsageRepository.recordOnce / hourly (real Redis)', () => {
  const testRedis = useTestRedis();
  const repository = () => new UsageRepository(testRedis().redis, RETENTION_MS);

  it('records an event once: the same id again returns false and changes nothing', async () => {
    const usage = repository();
    const first = usageEvent({ id: 'req_dup', cost_micros: 100 });
    await expect(usage.recordOnce(first)).resolves.toBe(true);
    const before = await usage.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);
    const keysBefore = await testRedis().keys();

    await expect(usage.recordOnce(first)).resolves.toBe(false);
    await expect(usage.recordOnce({ ...first, cost_micros: 999_999, output_text_tokens: 5_000 })).resolves.toBe(false);
    await expect(usage.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS)).resolves.toEqual(before);
    expect(await testRedis().keys()).toEqual(keysBefore);
    const page = await usage.events('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS, 10, null);
    expect(page).toEqual({ events: [first], nextCursor: null });
    expect(before).toEqual([
      {
        hourStartMs: DAY_START_MS,
        model: first.model,
        keyId: 'key_a',
        metrics: { ...sumEvents([first]) },
      },
    ]);
  });

  it('records exactly once when the same id races in from several connections', async () => {
    const { redis } = testRedis();
    const others = [redis.duplicate(), redis.duplicate()];
    try {
      const repositories = [redis, ...others].map((connection) => new UsageRepository(connection, RETENTION_MS));
      const event = usageEvent({ id: 'req_race' });
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, index) => repositories[index % 3]!.recordOnce(event)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const [row] = await repositories[0]!.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);
      expect(row?.metrics.requests).toBe(1);
      expect(row?.metrics.cost_micros).toBe(450);
    } finally {
      for (const connection of others) connection.disconnect();
    }
  });

  it('hourly aggregates equal the sums of ~200 random events, per hour, model and key', async () => {
    const usage = repository();
    const events = randomEvents({
      count: 220,
      seed: 7,
      fromMs: DAY_START_MS + 30 * 60_000,
      spanMs: 5 * HOUR_MS,
      tenants: ['ten_1', 'ten_2'],
      models: ['gpt-4o-audio-preview-2025-06-03', 'gpt-4o-mini-2024-07-18', 'llama-3.3-70b'],
      keys: ['key_a', 'key_b', 'key_c', null],
    });
    // Recorded concurrently, each one twice: duplicates must not count.
    await Promise.all([...events, ...events].map((event) => usage.recordOnce(event)));

    for (const tenant of ['ten_1', 'ten_2']) {
      const rows = await usage.hourly(tenant, DAY_START_MS, DAY_START_MS + 6 * HOUR_MS);
      const expected = groupBy(
        events.filter((event) => event.tenant_id === tenant),
        (event) => `${Math.floor(event.created_at_ms / HOUR_MS) * HOUR_MS}|${event.model}|${event.key_id ?? '-'}`,
      );
      const actual = new Map(rows.map((row) => [`${row.hourStartMs}|${row.model}|${row.keyId}`, asSums(row)]));
      expect(actual).toEqual(new Map([...expected].map(([key, group]) => [key, sumEvents(group)])));
      // And in total.
      const total = rows.reduce((sum, row) => sum + row.metrics.cost_micros, 0);
      expect(total).toBe(sumEvents(events.filter((event) => event.tenant_id === tenant)).cost_micros);
    }
  });

  it('reads the hours that intersect [from, to), hour-aligned, oldest first', async () => {
    const usage = repository();
    for (const [id, offset] of [
      ['a', 0],
      ['b', HOUR_MS - 1],
      ['c', HOUR_MS],
      ['d', 2 * HOUR_MS + 5],
    ] as const) {
      await usage.recordOnce(usageEvent({ id, created_at_ms: DAY_START_MS + offset }));
    }
    const hours = async (from: number, to: number) =>
      (await usage.hourly('ten_1', from, to)).map((row) => [
        (row.hourStartMs - DAY_START_MS) / HOUR_MS,
        row.metrics.requests,
      ]);
    expect(await hours(DAY_START_MS, DAY_START_MS + 3 * HOUR_MS)).toEqual([
      [0, 2],
      [1, 1],
      [2, 1],
    ]);
    expect(await hours(DAY_START_MS + 30 * 60_000, DAY_START_MS + HOUR_MS)).toEqual([[0, 2]]);
    expect(await hours(DAY_START_MS + HOUR_MS, DAY_START_MS + 2 * HOUR_MS + 1)).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(await hours(DAY_START_MS + HOUR_MS, DAY_START_MS + HOUR_MS)).toEqual([]);
    expect(await usage.hourly('ten_other', DAY_START_MS, DAY_START_MS + 3 * HOUR_MS)).toEqual([]);
  });

  it('keeps every key under the {t:<tenant>} hash tag with a TTL of the retention', async () => {
    const usage = repository();
    await usage.recordOnce(usageEvent({ id: 'req_1' }));
    await usage.recordOnce(usageEvent({ id: 'req_2', key_id: null, created_at_ms: DAY_START_MS + HOUR_MS }));
    await usage.recordOnce(usageEvent({ id: 'req_3', tenant_id: 'ten_2' }));
    const { redis, keys } = testRedis();
    expect(await keys()).toEqual(
      [
        'usage:{t:ten_1}:event:req_1',
        'usage:{t:ten_1}:event:req_2',
        'usage:{t:ten_1}:events',
        `usage:{t:ten_1}:hour:${DAY_START_MS}`,
        `usage:{t:ten_1}:hour:${DAY_START_MS + HOUR_MS}`,
        'usage:{t:ten_2}:event:req_3',
        'usage:{t:ten_2}:events',
        `usage:{t:ten_2}:hour:${DAY_START_MS}`,
      ].sort(),
    );
    for (const key of await keys()) {
      if (key.endsWith(':events')) continue; // the index is trimmed by time instead
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(RETENTION_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(RETENTION_MS);
    }
    const [row] = await usage.hourly('ten_1', DAY_START_MS + HOUR_MS, DAY_START_MS + 2 * HOUR_MS);
    expect(row?.keyId).toBe('-');
  });

  it('trims index entries older than the retention relative to the newest event', async () => {
    const usage = repository();
    await usage.recordOnce(usageEvent({ id: 'old', created_at_ms: DAY_START_MS }));
    await usage.recordOnce(usageEvent({ id: 'kept', created_at_ms: DAY_START_MS + 1 }));
    await usage.recordOnce(usageEvent({ id: 'new', created_at_ms: DAY_START_MS + RETENTION_MS + 1 }));
    expect(await testRedis().redis.zrange('usage:{t:ten_1}:events', '0', '-1')).toEqual(['kept', 'new']);
  });
});
