import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import type { Principal } from '../tenancy.types';
import { type QuotaAmounts, QuotaRepository } from './quota.repository';
import type { QuotaLimits } from './quota-limits';
import { windowsAt } from './quota-windows';
import { ReserveQuota } from './reserve-quota.usecase';
import { SettleQuota } from './settle-quota.usecase';

const T0 = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
const PRINCIPAL: Principal = { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' };
const tokens = (count: number): QuotaAmounts => ({ tokens: count, spendMicros: 0, audioMs: 0 });
const ZERO = tokens(0);

describe('SettleQuota (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build(limits: QuotaLimits = {}) {
    const { redis } = testRedis();
    const quotas = new QuotaRepository(redis);
    await quotas.setLimits({ kind: 'tenant', tenantId: 'ten_1' }, limits);
    const clock = { now: T0 };
    const reserve = new ReserveQuota(quotas, { dryRun: false, streamLeaseMs: 30_000 }, () => clock.now);
    const settle = new SettleQuota(quotas);
    const counter = async (name: string, scope = 'quota:{t:ten_1}') => redis.get(`${scope}:${name}`);
    return { redis, quotas, clock, reserve, settle, counter };
  }

  it('moves every counter of both scopes by actual − estimate, leaving the request count alone', async () => {
    const { reserve, settle, counter } = await build();
    const w = windowsAt(T0);
    const reservation = await reserve.execute(PRINCIPAL, { tokens: 100, spendMicros: 5_000, audioMs: 2_000 }, false);
    await settle.execute(reservation, { tokens: 130, spendMicros: 4_000, audioMs: 0 });
    for (const scope of ['quota:{t:ten_1}', 'quota:{t:ten_1}:key:key_a']) {
      expect({
        rpm: await counter(`rpm:${w.minute}`, scope),
        tpm: await counter(`tpm:${w.minute}`, scope),
        tpd: await counter(`tpd:${w.day}`, scope),
        spend: await counter(`spend:${w.month}`, scope),
        audio: await counter(`audio:${w.day}`, scope),
      }).toEqual({ rpm: '1', tpm: '130', tpd: '130', spend: '4000', audio: '0' });
    }
  });

  it('settles a reservation once: a retried settle (after a Redis blip) changes nothing, and frees the stream slot once', async () => {
    const { reserve, settle, counter } = await build({ concurrent_streams: 1 });
    const w = windowsAt(T0);
    const stream = await reserve.execute(PRINCIPAL, tokens(100), true);
    const other = await reserve.execute(PRINCIPAL, tokens(100), false);
    await expect(settle.execute(stream, tokens(30))).resolves.toBe(true);
    await expect(settle.execute(stream, tokens(30))).resolves.toBe(false);
    expect(await counter(`tpm:${w.minute}`)).toBe('130');
    await expect(settle.execute(other, tokens(30))).resolves.toBe(true);
    expect(await counter(`tpm:${w.minute}`)).toBe('60');
    await expect(reserve.execute(PRINCIPAL, tokens(1), true)).resolves.toBeDefined();
  });

  it("corrects the reservation's own minute after the minute rolled over, not the current one", async () => {
    const { reserve, settle, counter, clock } = await build({ tokens_per_minute: 100 });
    const first = await reserve.execute(PRINCIPAL, tokens(100), false);
    clock.now = T0 + 60_000;
    const second = await reserve.execute(PRINCIPAL, tokens(50), false);
    expect(second.windows.minute).toBe(first.windows.minute + 1);

    await settle.execute(first, tokens(30));
    expect(await counter(`tpm:${first.windows.minute}`)).toBe('30');
    expect(await counter(`tpm:${second.windows.minute}`)).toBe('50');
    expect(await counter(`tpd:${first.windows.day}`)).toBe('80');
    // The refund went to the old minute, so the current one still only has 50 left.
    await expect(reserve.execute(PRINCIPAL, tokens(51), false)).rejects.toBeInstanceOf(GatewayError);
    await expect(reserve.execute(PRINCIPAL, tokens(50), false)).resolves.toBeDefined();
  });

  it('never takes a counter below zero, even when its window expired before settling', async () => {
    const { redis, reserve, settle, counter } = await build();
    const a = await reserve.execute(PRINCIPAL, tokens(100), false);
    const b = await reserve.execute(PRINCIPAL, tokens(100), false);
    const tpm = `tpm:${a.windows.minute}`;
    await settle.execute(a, ZERO);
    expect(await counter(tpm)).toBe('100');
    await settle.execute(b, tokens(20));
    expect(await counter(tpm)).toBe('20');

    const c = await reserve.execute(PRINCIPAL, { tokens: 100, spendMicros: 7, audioMs: 9 }, false);
    await redis.del(`quota:{t:ten_1}:${tpm}`, `quota:{t:ten_1}:key:key_a:${tpm}`);
    await settle.execute(c, ZERO);
    expect(await counter(tpm)).toBe('0');
    expect(await counter(tpm, 'quota:{t:ten_1}:key:key_a')).toBe('0');
    expect(await redis.pttl(`quota:{t:ten_1}:${tpm}`)).toBeGreaterThan(0);
    expect(await counter(`spend:${c.windows.month}`)).toBe('0');
    expect(await counter(`audio:${c.windows.day}`)).toBe('0');
  });

  it("keeps a counter's expiry (its window's), and gives one only to a counter the settle itself creates", async () => {
    const { redis, reserve, settle, counter } = await build();
    const w = windowsAt(T0);
    const tpm = `quota:{t:ten_1}:tpm:${w.minute}`;
    const a = await reserve.execute(PRINCIPAL, tokens(100), false);
    const b = await reserve.execute(PRINCIPAL, ZERO, false);
    const windowTtl = await redis.pttl(tpm);
    expect(windowTtl).toBeGreaterThan(0);
    expect(windowTtl).toBeLessThanOrEqual(w.msToMinuteEnd + 60_000);
    // Back to 0, then up by b's delta: the counter holds exactly the delta, as a new one would, yet it
    // keeps the window's expiry (not a day's).
    await settle.execute(a, ZERO);
    expect(await counter(`tpm:${w.minute}`)).toBe('0');
    await settle.execute(b, tokens(50));
    expect(await counter(`tpm:${w.minute}`)).toBe('50');
    expect(await redis.pttl(tpm)).toBeLessThanOrEqual(w.msToMinuteEnd + 60_000);

    // A window that expired before the settle: the counter the settle creates expires within a day.
    const c = await reserve.execute(PRINCIPAL, tokens(10), false);
    await redis.del(tpm);
    await settle.execute(c, tokens(50));
    expect(await counter(`tpm:${w.minute}`)).toBe('40');
    expect(await redis.pttl(tpm)).toBeGreaterThan(w.msToMinuteEnd + 60_000);
    expect(await redis.pttl(tpm)).toBeLessThanOrEqual(86_400_000);
  });

  it('releasing (actual 0) gives the reserved tokens back to the next request', async () => {
    const { reserve, settle } = await build({ tokens_per_minute: 100 });
    const reservation = await reserve.execute(PRINCIPAL, tokens(100), false);
    await expect(reserve.execute(PRINCIPAL, tokens(1), false)).rejects.toMatchObject({ status: 429, type: 'tokens' });
    await settle.execute(reservation, ZERO);
    await expect(reserve.execute(PRINCIPAL, tokens(100), false)).resolves.toMatchObject({
      headers: { 'x-ratelimit-remaining-tokens': '0' },
    });
  });

  it('an actual above the estimate is charged, and the next request sees it', async () => {
    const { reserve, settle, counter } = await build({ tokens_per_minute: 1_000 });
    const reservation = await reserve.execute(PRINCIPAL, tokens(100), false);
    await settle.execute(reservation, tokens(1_100));
    expect(await counter(`tpm:${reservation.windows.minute}`)).toBe('1100');
    await expect(reserve.execute(PRINCIPAL, tokens(1), false)).rejects.toMatchObject({ status: 429 });
  });

  it('frees the stream lease in both scopes, so the next stream is admitted', async () => {
    const { redis, reserve, settle } = await build({ concurrent_streams: 1 });
    const stream = await reserve.execute(PRINCIPAL, ZERO, true);
    expect(stream.leaseId).toMatch(/^[0-9a-f]{16}$/);
    await expect(reserve.execute(PRINCIPAL, ZERO, true)).rejects.toMatchObject({ status: 429, type: 'streams' });
    // A non-stream request is not limited by concurrent streams.
    await expect(reserve.execute(PRINCIPAL, ZERO, false)).resolves.toMatchObject({ leaseId: null });

    await settle.execute(stream, ZERO);
    expect(await redis.zscore('quota:{t:ten_1}:streams', stream.leaseId!)).toBeNull();
    expect(await redis.zscore('quota:{t:ten_1}:key:key_a:streams', stream.leaseId!)).toBeNull();
    const next = await reserve.execute(PRINCIPAL, ZERO, true);
    expect(next.leaseId).not.toBe(stream.leaseId);
  });
});
