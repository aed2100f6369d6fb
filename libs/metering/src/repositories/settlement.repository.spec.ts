import { type Principal, QuotaRepository, type Reservation, ReserveQuota, SettleQuota } from '@voxgate/tenancy';
import { useTestRedis } from '@voxgate/testing';
import type { Redis } from 'ioredis';
import { DAY_START_MS, HOUR_MS, usageEvent } from '../__fixtures__/usage-event.factory';
import { outcomeOf, type Settlement, SettlementRepository } from './settlement.repository';
import { UsageRepository } from './usage.repository';

const RETENTION_MS = 7 * 86_400_000;
const T0 = DAY_START_MS + 10 * 60_000 + 15_500;
const PRINCIPAL: Principal = { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' };

describe('SettlementRepository: settle and record in one script (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build(redis: Redis = testRedis().redis) {
    const quotas = new QuotaRepository(redis);
    await quotas.setLimits({ kind: 'tenant', tenantId: 'ten_1' }, { tokens_per_minute: 1_000, concurrent_streams: 1 });
    const settle = new SettleQuota(quotas);
    const usage = new UsageRepository(redis, RETENTION_MS);
    const reserve = new ReserveQuota(quotas, { dryRun: false, streamLeaseMs: 30_000 }, () => T0);
    return { redis, quotas, settle, usage, reserve, settlements: new SettlementRepository(redis, settle, usage) };
  }

  async function settlementOf(reserve: ReserveQuota, id = 'req_1', stream = false): Promise<Settlement> {
    const reservation: Reservation = await reserve.execute(
      PRINCIPAL,
      { tokens: 100, spendMicros: 500, audioMs: 0 },
      stream,
    );
    return {
      reservation,
      actual: { tokens: 120, spendMicros: 450, audioMs: 0 },
      event: usageEvent({ id, created_at_ms: T0, input_text_tokens: 100, output_text_tokens: 20, cost_micros: 450 }),
    };
  }

  const counters = async (redis: Redis, reservation: Reservation) => {
    const { minute, day, month } = reservation.windows;
    return redis.mget(
      `quota:{t:ten_1}:tpm:${minute}`,
      `quota:{t:ten_1}:tpd:${day}`,
      `quota:{t:ten_1}:spend:${month}`,
      `quota:{t:ten_1}:key:key_a:tpm:${minute}`,
    );
  };

  it('settles the reservation and records the event in one command, each once: a replay changes nothing', async () => {
    const { redis, usage, reserve, settlements } = await build();
    const settlement = await settlementOf(reserve, 'req_1', true);
    await expect(settlements.write(settlement)).resolves.toEqual({ settled: true, recorded: true });

    expect(await counters(redis, settlement.reservation)).toEqual(['120', '120', '450', '120']);
    expect(await redis.zscore('quota:{t:ten_1}:streams', settlement.reservation.leaseId!)).toBeNull();
    const page = await usage.events('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS, 10, null);
    expect(page.events).toEqual([settlement.event]);
    const hourly = await usage.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);
    expect(hourly[0]?.metrics).toMatchObject({ requests: 1, cost_micros: 450, output_text_tokens: 20 });

    const before = await testRedis().keys();
    await expect(settlements.write(settlement)).resolves.toEqual({ settled: false, recorded: false });
    expect(await testRedis().keys()).toEqual(before);
    expect(await counters(redis, settlement.reservation)).toEqual(['120', '120', '450', '120']);
    await expect(usage.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS)).resolves.toEqual(hourly);
  });

  it('leaves Redis exactly as the settle script and the record script run one after the other', async () => {
    const { redis, settle, usage, reserve, settlements } = await build();
    const separate = await settlementOf(reserve, 'req_separate');
    await settle.execute(separate.reservation, separate.actual);
    await usage.recordOnce(separate.event);
    const afterSeparate = await counters(redis, separate.reservation);
    const hourSeparate = await usage.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);

    const merged = await settlementOf(reserve, 'req_merged');
    await settlements.write(merged);
    // Both requests reserved 100 and settled to 120: the merged one moved the counters by as much again.
    const twice = (value: string | null) => String(2 * Number(value));
    expect(await counters(redis, merged.reservation)).toEqual(afterSeparate.map(twice));
    const [row] = await usage.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);
    expect(row?.metrics).toEqual(
      Object.fromEntries(Object.entries(hourSeparate[0]!.metrics).map(([name, value]) => [name, 2 * value])),
    );
    expect(await redis.get(`usage:{t:ten_1}:event:req_merged`)).toBe(JSON.stringify(merged.event));
  });

  it("replays an older version's separate halves: only the half that had not landed is applied", async () => {
    const { redis, settle, usage, reserve, settlements } = await build();
    const settledAlone = await settlementOf(reserve, 'req_a');
    await settle.execute(settledAlone.reservation, settledAlone.actual);
    await expect(settlements.write(settledAlone)).resolves.toEqual({ settled: false, recorded: true });

    const recordedAlone = await settlementOf(reserve, 'req_b');
    await usage.recordOnce(recordedAlone.event);
    await expect(settlements.write(recordedAlone)).resolves.toEqual({ settled: true, recorded: false });

    // Two reservations of 100, each settled once to 120; two events recorded once.
    expect(await counters(redis, settledAlone.reservation)).toEqual(['240', '240', '900', '240']);
    const [row] = await usage.hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);
    expect(row?.metrics.requests).toBe(2);
  });

  it('in a pipeline, and after Redis lost its scripts (NOSCRIPT): sent again with its body, applied once', async () => {
    const { redis, reserve, settlements } = await build();
    const first = await settlementOf(reserve, 'req_1');
    const second = await settlementOf(reserve, 'req_2');
    const pipeline = redis.pipeline();
    void settlements.queue(pipeline, first);
    void settlements.queue(pipeline, second);
    const results = (await pipeline.exec()) ?? [];
    expect(results.map(([error, reply]) => (error ? error : outcomeOf(reply)))).toEqual([
      { settled: true, recorded: true },
      { settled: true, recorded: true },
    ]);

    await redis.script('FLUSH');
    const third = await settlementOf(reserve, 'req_3');
    const again = redis.pipeline();
    void settlements.queue(again, third);
    void settlements.queue(again, first);
    const replies = (await again.exec()) ?? [];
    expect(replies.map(([error, reply]) => (error ? error : outcomeOf(reply)))).toEqual([
      { settled: true, recorded: true },
      { settled: false, recorded: false },
    ]);
    await redis.script('FLUSH');
    await expect(settlements.write(second)).resolves.toEqual({ settled: false, recorded: false });
    const [row] = await new UsageRepository(redis, RETENTION_MS).hourly('ten_1', DAY_START_MS, DAY_START_MS + HOUR_MS);
    expect(row?.metrics.requests).toBe(3);
  });

  it('applies each half exactly once when the same settlement races in from several connections', async () => {
    const { redis } = testRedis();
    const others = [redis.duplicate(), redis.duplicate()];
    try {
      const { reserve } = await build();
      const settlement = await settlementOf(reserve, 'req_race');
      const repositories = await Promise.all(
        [redis, ...others].map(async (connection) => (await build(connection)).settlements),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, index) => repositories[index % 3]!.write(settlement)),
      );
      expect(outcomes.filter((outcome) => outcome.settled)).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.recorded)).toHaveLength(1);
      expect(await counters(redis, settlement.reservation)).toEqual(['120', '120', '450', '120']);
    } finally {
      for (const connection of others) connection.disconnect();
    }
  });
});
