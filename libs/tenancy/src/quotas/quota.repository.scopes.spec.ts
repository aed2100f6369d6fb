import { useTestRedis } from '@voxgate/testing';
import type { Principal } from '../tenancy.types';
import { type QuotaAmounts, QuotaRepository, type ReserveArgs } from './quota.repository';
import { windowsAt } from './quota-windows';

const T0 = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
const W0 = windowsAt(T0);
const KEY_A: Principal = { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' };
const KEY_B: Principal = { tenantId: 'ten_1', keyId: 'key_b', scope: 'client' };
const NOTHING: QuotaAmounts = { tokens: 0, spendMicros: 0, audioMs: 0 };
const TENANT = { kind: 'tenant', tenantId: 'ten_1' } as const;
const scopeOfKey = (keyId: string) => ({ kind: 'key', tenantId: 'ten_1', keyId }) as const;

const reserveArgs = (overrides: Partial<ReserveArgs> = {}): ReserveArgs => ({
  principal: KEY_A,
  estimate: NOTHING,
  stream: false,
  leaseId: '',
  leaseExpiresAtMs: T0 + 30_000,
  nowMs: T0,
  windows: W0,
  dryRun: false,
  ...overrides,
});

describe('QuotaRepository: scopes, refusals and keys (real Redis)', () => {
  const testRedis = useTestRedis();
  const repository = () => new QuotaRepository(testRedis().redis);

  it('stores limits per scope; absent or null is unlimited; setting replaces the whole set', async () => {
    const quotas = repository();
    await expect(quotas.getLimits(TENANT)).resolves.toEqual({
      requests_per_minute: null,
      tokens_per_minute: null,
      tokens_per_day: null,
      spend_per_month_usd_micros: null,
      concurrent_streams: null,
      audio_seconds_per_day: null,
    });
    await quotas.setLimits(TENANT, { requests_per_minute: 0, tokens_per_minute: 1000, tokens_per_day: null });
    await quotas.setLimits(scopeOfKey('key_a'), { concurrent_streams: 2 });
    expect(await quotas.getLimits(TENANT)).toMatchObject({
      requests_per_minute: 0,
      tokens_per_minute: 1000,
      tokens_per_day: null,
      concurrent_streams: null,
    });
    expect(await quotas.getLimits(scopeOfKey('key_a'))).toMatchObject({
      concurrent_streams: 2,
      tokens_per_minute: null,
    });

    await quotas.setLimits(TENANT, { audio_seconds_per_day: 60 });
    expect(await quotas.getLimits(TENANT)).toMatchObject({ requests_per_minute: null, audio_seconds_per_day: 60 });
    await quotas.setLimits(TENANT, {});
    expect(Object.values(await quotas.getLimits(TENANT)).every((value) => value === null)).toBe(true);
  });

  it('admits everything when no limit exists, reporting -1 for the header fields', async () => {
    const quotas = repository();
    for (let i = 0; i < 25; i++) {
      const outcome = await quotas.reserve(reserveArgs({ estimate: { tokens: 10_000, spendMicros: 10, audioMs: 5 } }));
      expect(outcome).toEqual({
        admitted: true,
        refusal: null,
        requests: { limit: -1, remaining: -1, resetMs: -1 },
        tokens: { limit: -1, remaining: -1, resetMs: -1 },
        streamsLimited: false,
      });
    }
  });

  it('a key limit tighter than the tenant refuses with scope key; another key still shares the tenant limit', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, { requests_per_minute: 10 });
    await quotas.setLimits(scopeOfKey('key_a'), { requests_per_minute: 3 });

    for (let i = 0; i < 3; i++) expect((await quotas.reserve(reserveArgs())).admitted).toBe(true);
    const keyRefusal = await quotas.reserve(reserveArgs());
    expect(keyRefusal.admitted).toBe(false);
    expect(keyRefusal.refusal).toEqual({
      scope: 'key',
      limit: 'requests_per_minute',
      max: 3,
      used: 3,
      resetMs: 44_500,
    });

    // key_b is not bound by key_a's limit, only by what is left of the tenant's 10.
    for (let i = 0; i < 7; i++) expect((await quotas.reserve(reserveArgs({ principal: KEY_B }))).admitted).toBe(true);
    const tenantRefusal = await quotas.reserve(reserveArgs({ principal: KEY_B }));
    expect(tenantRefusal.refusal).toEqual({
      scope: 'tenant',
      limit: 'requests_per_minute',
      max: 10,
      used: 10,
      resetMs: 44_500,
    });
    // A refused request is not counted anywhere.
    const { redis } = testRedis();
    expect(await redis.get(`quota:{t:ten_1}:rpm:${W0.minute}`)).toBe('10');
    expect(await redis.get(`quota:{t:ten_1}:key:key_a:rpm:${W0.minute}`)).toBe('3');
    expect(await redis.get(`quota:{t:ten_1}:key:key_b:rpm:${W0.minute}`)).toBe('7');
  });

  it('other tenants are untouched by a tenant limit', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, { requests_per_minute: 1 });
    expect((await quotas.reserve(reserveArgs())).admitted).toBe(true);
    expect((await quotas.reserve(reserveArgs())).admitted).toBe(false);
    const other: Principal = { tenantId: 'ten_2', keyId: 'key_a', scope: 'client' };
    expect((await quotas.reserve(reserveArgs({ principal: other }))).admitted).toBe(true);
  });

  it('refusals name the limit, its max, what is used and when it resets, per window', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, {
      tokens_per_day: 1_000,
      spend_per_month_usd_micros: 500_000,
      audio_seconds_per_day: 10,
    });
    const reserve = (estimate: Partial<QuotaAmounts>) =>
      quotas.reserve(reserveArgs({ estimate: { ...NOTHING, ...estimate } }));

    expect((await reserve({ tokens: 700 })).admitted).toBe(true);
    expect((await reserve({ tokens: 301 })).refusal).toEqual({
      scope: 'tenant',
      limit: 'tokens_per_day',
      max: 1_000,
      used: 700,
      resetMs: W0.msToDayEnd,
    });
    expect((await reserve({ spendMicros: 400_000 })).admitted).toBe(true);
    expect((await reserve({ spendMicros: 100_001 })).refusal).toEqual({
      scope: 'tenant',
      limit: 'spend_per_month_usd_micros',
      max: 500_000,
      used: 400_000,
      resetMs: W0.msToMonthEnd,
    });
    // Audio is limited in seconds and counted in milliseconds.
    expect((await reserve({ audioMs: 9_000 })).admitted).toBe(true);
    expect((await reserve({ audioMs: 1_000 })).admitted).toBe(true);
    expect((await reserve({ audioMs: 1 })).refusal).toEqual({
      scope: 'tenant',
      limit: 'audio_seconds_per_day',
      max: 10_000,
      used: 10_000,
      resetMs: W0.msToDayEnd,
    });
  });

  it('a request that needs none of an exhausted resource is not refused for it', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, { tokens_per_minute: 100, audio_seconds_per_day: 1 });
    expect((await quotas.reserve(reserveArgs({ estimate: { ...NOTHING, tokens: 100, audioMs: 1000 } }))).admitted).toBe(
      true,
    );
    expect((await quotas.reserve(reserveArgs({ estimate: { ...NOTHING, tokens: 1 } }))).admitted).toBe(false);
    expect((await quotas.reserve(reserveArgs({ estimate: { ...NOTHING, audioMs: 1 } }))).admitted).toBe(false);
    expect((await quotas.reserve(reserveArgs())).admitted).toBe(true);
  });

  it('reports requests and tokens headers of the tightest scope, after counting the admitted request', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, { requests_per_minute: 10, tokens_per_minute: 1_000 });
    await quotas.setLimits(scopeOfKey('key_a'), { requests_per_minute: 3, tokens_per_minute: 5_000 });
    const first = await quotas.reserve(reserveArgs({ estimate: { ...NOTHING, tokens: 100 } }));
    expect(first.requests).toEqual({ limit: 3, remaining: 2, resetMs: 44_500 });
    expect(first.tokens).toEqual({ limit: 1_000, remaining: 900, resetMs: 44_500 });
    const second = await quotas.reserve(reserveArgs({ estimate: { ...NOTHING, tokens: 250 } }));
    expect(second.requests).toEqual({ limit: 3, remaining: 1, resetMs: 44_500 });
    expect(second.tokens).toEqual({ limit: 1_000, remaining: 650, resetMs: 44_500 });
    // key_b: the tenant is now the tighter scope for requests (10 - 2 used - 1).
    const other = await quotas.reserve(reserveArgs({ principal: KEY_B, estimate: { ...NOTHING, tokens: 50 } }));
    expect(other.requests).toEqual({ limit: 10, remaining: 7, resetMs: 44_500 });
    expect(other.tokens).toEqual({ limit: 1_000, remaining: 600, resetMs: 44_500 });
  });

  it('the remaining headers of a refused request do not subtract the request that was refused', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, { requests_per_minute: 10, tokens_per_minute: 1_000 });
    expect((await quotas.reserve(reserveArgs({ estimate: { ...NOTHING, tokens: 400 } }))).admitted).toBe(true);
    const refused = await quotas.reserve(reserveArgs({ estimate: { ...NOTHING, tokens: 700 } }));
    expect(refused.admitted).toBe(false);
    // Nothing of the refused request was counted: 9 requests and 600 tokens are still available.
    expect({ requests: refused.requests, tokens: refused.tokens }).toEqual({
      requests: { limit: 10, remaining: 9, resetMs: 44_500 },
      tokens: { limit: 1_000, remaining: 600, resetMs: 44_500 },
    });
  });

  it('dry run admits and reserves, but still reports the refusal it would have made', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, { requests_per_minute: 1 });
    expect((await quotas.reserve(reserveArgs({ dryRun: true }))).refusal).toBeNull();
    const wouldRefuse = await quotas.reserve(reserveArgs({ dryRun: true }));
    expect(wouldRefuse.admitted).toBe(true);
    expect(wouldRefuse.refusal).toMatchObject({ scope: 'tenant', limit: 'requests_per_minute', max: 1, used: 1 });
    expect(await testRedis().redis.get(`quota:{t:ten_1}:rpm:${W0.minute}`)).toBe('2');
  });

  it('writes every key under the {t:<tenant>} hash tag, and every counter and lease set expires', async () => {
    const quotas = repository();
    await quotas.setLimits(TENANT, { requests_per_minute: 100, concurrent_streams: 10 });
    await quotas.setLimits(scopeOfKey('key_a'), { tokens_per_minute: 100_000 });
    await quotas.reserve(
      reserveArgs({ estimate: { tokens: 10, spendMicros: 20, audioMs: 30 }, stream: true, leaseId: 'lease-1' }),
    );
    const { redis, keys } = testRedis();
    const written = await keys();
    const counters = ['rpm', 'tpm', 'tpd', 'spend', 'audio'];
    const windowOf = { rpm: W0.minute, tpm: W0.minute, tpd: W0.day, spend: W0.month, audio: W0.day } as const;
    const expected = ['quota:{t:ten_1}', 'quota:{t:ten_1}:key:key_a'].flatMap((prefix) => [
      `${prefix}:limits`,
      `${prefix}:streams`,
      ...counters.map((counter) => `${prefix}:${counter}:${windowOf[counter as keyof typeof windowOf]}`),
    ]);
    expect(written).toEqual(expected.sort());
    for (const key of written) {
      expect(key).toMatch(/^quota:\{t:ten_1\}:/);
      const ttl = await redis.pttl(key);
      if (key.endsWith(':limits')) expect(ttl).toBe(-1);
      else expect(ttl).toBeGreaterThan(0);
    }
    // Minute counters live past their window end but not for long.
    expect(await redis.pttl(`quota:{t:ten_1}:rpm:${W0.minute}`)).toBeLessThanOrEqual(W0.msToMinuteEnd + 60_000);
    expect(await redis.pttl(`quota:{t:ten_1}:spend:${W0.month}`)).toBeGreaterThan(W0.msToMonthEnd);
  });
});
