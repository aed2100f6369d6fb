import { useTestRedis } from '@voxgate/testing';
import type { Principal } from '../tenancy.types';
import { type QuotaAmounts, QuotaRepository, type ReserveArgs } from './quota.repository';
import { windowsAt } from './quota-windows';
import type { Reservation } from './reserve-quota.usecase';
import { StreamLeaseKeeper } from './settle-quota.usecase';

const T0 = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
const LEASE_MS = 30_000;
const PRINCIPAL: Principal = { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' };
const NOTHING: QuotaAmounts = { tokens: 0, spendMicros: 0, audioMs: 0 };

const streamAt = (nowMs: number, leaseId: string): ReserveArgs => ({
  principal: PRINCIPAL,
  estimate: NOTHING,
  stream: true,
  leaseId,
  leaseExpiresAtMs: nowMs + LEASE_MS,
  nowMs,
  windows: windowsAt(nowMs),
  dryRun: false,
});

describe('stream leases (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build(tenantStreams: number | null, keyStreams: number | null = null) {
    const quotas = new QuotaRepository(testRedis().redis);
    await quotas.setLimits({ kind: 'tenant', tenantId: 'ten_1' }, { concurrent_streams: tenantStreams });
    await quotas.setLimits({ kind: 'key', tenantId: 'ten_1', keyId: 'key_a' }, { concurrent_streams: keyStreams });
    return quotas;
  }

  it('a lease that is not renewed (a crashed replica) expires on its own and frees its slot', async () => {
    const quotas = await build(1);
    expect((await quotas.reserve(streamAt(T0, 'crashed'))).admitted).toBe(true);
    const blocked = await quotas.reserve(streamAt(T0 + LEASE_MS - 1, 'second'));
    expect(blocked.refusal).toEqual({ scope: 'tenant', limit: 'concurrent_streams', max: 1, used: 1, resetMs: 1000 });
    expect((await quotas.reserve(streamAt(T0 + LEASE_MS, 'third'))).admitted).toBe(true);
    expect(await testRedis().redis.zrange('quota:{t:ten_1}:streams', '0', '-1')).toEqual(['third']);
  });

  it('the key scope expires leases the same way', async () => {
    const quotas = await build(null, 1);
    expect((await quotas.reserve(streamAt(T0, 'crashed'))).admitted).toBe(true);
    expect((await quotas.reserve(streamAt(T0 + 1_000, 'second'))).refusal).toMatchObject({ scope: 'key' });
    expect((await quotas.reserve(streamAt(T0 + LEASE_MS + 1, 'third'))).admitted).toBe(true);
  });

  it('renewLease keeps a live stream holding its slot past the original expiry, in both scopes', async () => {
    const quotas = await build(1, 1);
    expect((await quotas.reserve(streamAt(T0, 'live'))).admitted).toBe(true);
    await quotas.renewLease(PRINCIPAL, 'live', T0 + 2 * LEASE_MS);
    const { redis } = testRedis();
    expect(await redis.zscore('quota:{t:ten_1}:streams', 'live')).toBe(String(T0 + 2 * LEASE_MS));
    expect(await redis.zscore('quota:{t:ten_1}:key:key_a:streams', 'live')).toBe(String(T0 + 2 * LEASE_MS));
    expect(await redis.pttl('quota:{t:ten_1}:streams')).toBeGreaterThan(T0 + 2 * LEASE_MS - Date.now());

    expect((await quotas.reserve(streamAt(T0 + LEASE_MS + 1, 'late'))).admitted).toBe(false);
    expect((await quotas.reserve(streamAt(T0 + 2 * LEASE_MS, 'later'))).admitted).toBe(true);
  });

  it('the reserve answer says whether a concurrent_streams limit applies, in either scope', async () => {
    expect((await (await build(null)).reserve(streamAt(T0, 'free'))).streamsLimited).toBe(false);
    expect((await (await build(3)).reserve(streamAt(T0, 'tenant'))).streamsLimited).toBe(true);
    expect((await (await build(null, 2)).reserve(streamAt(T0, 'key'))).streamsLimited).toBe(true);
    const refused = await (await build(0)).reserve(streamAt(T0, 'none'));
    expect(refused).toMatchObject({ admitted: false, streamsLimited: true });
  });

  it('releaseLease frees the slot at once, in both scopes; a settle after it changes nothing more', async () => {
    const quotas = await build(1, 1);
    expect((await quotas.reserve(streamAt(T0, 'first'))).admitted).toBe(true);
    expect((await quotas.reserve(streamAt(T0 + 1, 'second'))).admitted).toBe(false);
    await quotas.releaseLease(PRINCIPAL, 'first');
    const { redis } = testRedis();
    expect(await redis.zscore('quota:{t:ten_1}:streams', 'first')).toBeNull();
    expect(await redis.zscore('quota:{t:ten_1}:key:key_a:streams', 'first')).toBeNull();
    expect((await quotas.reserve(streamAt(T0 + 2, 'third'))).admitted).toBe(true);
    expect(await quotas.settle(PRINCIPAL, windowsAt(T0), NOTHING, 'first', 'res_first')).toBe(true);
    expect(await redis.zrange('quota:{t:ten_1}:streams', '0', '-1')).toEqual(['third']);
  });

  it("StreamLeaseKeeper.release frees a limited stream's slot before it resolves, and sends nothing when no limit applies", async () => {
    const limited = await build(1);
    const { redis } = testRedis();
    const reservationOf = (leaseId: string, streamsLimited: boolean): Reservation => ({
      id: `res_${leaseId}`,
      principal: PRINCIPAL,
      windows: windowsAt(T0),
      estimate: NOTHING,
      leaseId,
      streamsLimited,
      headers: {},
      wouldRefuse: null,
      remaining: { requests: Infinity, tokens: Infinity },
    });
    expect((await limited.reserve(streamAt(T0, 'held'))).admitted).toBe(true);
    await new StreamLeaseKeeper(limited, reservationOf('held', true), LEASE_MS).release();
    expect(await redis.zscore('quota:{t:ten_1}:streams', 'held')).toBeNull();

    const releaseLease = jest.spyOn(limited, 'releaseLease');
    expect((await limited.reserve(streamAt(T0, 'unlimited'))).admitted).toBe(true);
    await new StreamLeaseKeeper(limited, reservationOf('unlimited', false), LEASE_MS).release();
    expect(releaseLease).not.toHaveBeenCalled();
    expect(await redis.zscore('quota:{t:ten_1}:streams', 'unlimited')).not.toBeNull();
  });

  it('renewing a lease that was already settled does not bring it back', async () => {
    const quotas = await build(1);
    await quotas.reserve(streamAt(T0, 'done'));
    await quotas.settle(PRINCIPAL, windowsAt(T0), NOTHING, 'done', 'res_done');
    await quotas.renewLease(PRINCIPAL, 'done', T0 + 10 * LEASE_MS);
    expect(await testRedis().redis.zscore('quota:{t:ten_1}:streams', 'done')).toBeNull();
    expect((await quotas.reserve(streamAt(T0 + 1, 'next'))).admitted).toBe(true);
  });
});

describe('StreamLeaseKeeper (fake timers, mocked repository)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const reservation = (leaseId: string | null): Reservation => ({
    id: 'res_1',
    principal: PRINCIPAL,
    windows: windowsAt(T0),
    estimate: NOTHING,
    leaseId,
    headers: {},
    wouldRefuse: null,
    remaining: { requests: Infinity, tokens: Infinity },
  });

  function mockQuotas(result: () => Promise<void> = () => Promise.resolve()) {
    const renewLease = jest.fn((_principal: Principal, _leaseId: string, _expiresAtMs: number) => result());
    return { renewLease, quotas: { renewLease } as unknown as QuotaRepository };
  }

  it('renews the lease every third of its lifetime until stopped', () => {
    const { renewLease, quotas } = mockQuotas();
    let now = T0;
    const keeper = new StreamLeaseKeeper(quotas, reservation('lease-1'), LEASE_MS, () => now);
    now = T0 + 10_000;
    jest.advanceTimersByTime(9_999);
    expect(renewLease).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(renewLease).toHaveBeenCalledTimes(1);
    expect(renewLease).toHaveBeenLastCalledWith(PRINCIPAL, 'lease-1', T0 + 10_000 + LEASE_MS);
    now = T0 + 20_000;
    jest.advanceTimersByTime(10_000);
    expect(renewLease).toHaveBeenCalledTimes(2);
    expect(renewLease).toHaveBeenLastCalledWith(PRINCIPAL, 'lease-1', T0 + 20_000 + LEASE_MS);

    keeper.stop();
    jest.advanceTimersByTime(10 * LEASE_MS);
    expect(renewLease).toHaveBeenCalledTimes(2);
  });

  it('renews at least one second apart for very short leases', () => {
    const { renewLease, quotas } = mockQuotas();
    const keeper = new StreamLeaseKeeper(quotas, reservation('lease-1'), 900, () => T0);
    jest.advanceTimersByTime(999);
    expect(renewLease).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(renewLease).toHaveBeenCalledTimes(1);
    keeper.stop();
  });

  it('does nothing for a request without a lease', () => {
    const { renewLease, quotas } = mockQuotas();
    const keeper = new StreamLeaseKeeper(quotas, reservation(null), LEASE_MS, () => T0);
    jest.advanceTimersByTime(10 * LEASE_MS);
    expect(renewLease).not.toHaveBeenCalled();
    expect(() => keeper.stop()).not.toThrow();
  });

  it('release stops renewing, and resolves although Redis fails (the settle frees the slot later)', async () => {
    const { renewLease, quotas } = mockQuotas();
    const releaseLease = jest.fn(() => Promise.reject(new Error('connection reset')));
    Object.assign(quotas, { releaseLease });
    const keeper = new StreamLeaseKeeper(quotas, { ...reservation('lease-1'), streamsLimited: true }, LEASE_MS);
    await expect(keeper.release()).resolves.toBeUndefined();
    expect(releaseLease).toHaveBeenCalledWith(PRINCIPAL, 'lease-1');
    jest.advanceTimersByTime(10 * LEASE_MS);
    expect(renewLease).not.toHaveBeenCalled();
  });

  it('survives a failing renewal (Redis blip) and keeps trying', async () => {
    const { renewLease, quotas } = mockQuotas(() => Promise.reject(new Error('connection reset')));
    const keeper = new StreamLeaseKeeper(quotas, reservation('lease-1'), LEASE_MS, () => T0);
    jest.advanceTimersByTime(10_000);
    await Promise.resolve();
    jest.advanceTimersByTime(10_000);
    await Promise.resolve();
    expect(renewLease).toHaveBeenCalledTimes(2);
    keeper.stop();
  });
});
