import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import type { Principal } from '../tenancy.types';
import { type QuotaAmounts, QuotaRepository } from './quota.repository';
import type { QuotaLimits } from './quota-limits';
import { windowsAt } from './quota-windows';
import { ReserveQuota } from './reserve-quota.usecase';

// 10:20:15.500 UTC: 44.5 s left in the minute.
const T0 = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
const W0 = windowsAt(T0);
const KEY_A: Principal = { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' };
const amounts = (overrides: Partial<QuotaAmounts> = {}): QuotaAmounts => ({
  tokens: 0,
  spendMicros: 0,
  audioMs: 0,
  ...overrides,
});

async function refusalOf(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('ReserveQuota (real Redis, injected clock)', () => {
  const testRedis = useTestRedis();

  async function build(tenant: QuotaLimits, key: QuotaLimits = {}, dryRun = false) {
    const { redis } = testRedis();
    const quotas = new QuotaRepository(redis);
    await quotas.setLimits({ kind: 'tenant', tenantId: 'ten_1' }, tenant);
    await quotas.setLimits({ kind: 'key', tenantId: 'ten_1', keyId: 'key_a' }, key);
    const clock = { now: T0 };
    return { redis, clock, reserve: new ReserveQuota(quotas, { dryRun, streamLeaseMs: 30_000 }, () => clock.now) };
  }

  it('returns the reservation: windows of its clock, estimate, headers of the tightest scope', async () => {
    const { reserve } = await build({ requests_per_minute: 10, tokens_per_minute: 1_000 }, { requests_per_minute: 3 });
    const estimate = amounts({ tokens: 100 });
    const reservation = await reserve.execute(KEY_A, estimate, false);
    expect(reservation).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      principal: KEY_A,
      windows: W0,
      estimate,
      leaseId: null,
      streamsLimited: false,
      wouldRefuse: null,
      headers: {
        'x-ratelimit-limit-requests': '3',
        'x-ratelimit-remaining-requests': '2',
        'x-ratelimit-reset-requests': '44.5s',
        'x-ratelimit-limit-tokens': '1000',
        'x-ratelimit-remaining-tokens': '900',
        'x-ratelimit-reset-tokens': '44.5s',
      },
      remaining: { requests: 2, tokens: 900 },
    });
  });

  it('sends no rate-limit headers for limits that do not exist', async () => {
    const { reserve } = await build({ tokens_per_minute: 50 });
    const reservation = await reserve.execute(KEY_A, amounts({ tokens: 20 }), false);
    expect(reservation.headers).toEqual({
      'x-ratelimit-limit-tokens': '50',
      'x-ratelimit-remaining-tokens': '30',
      'x-ratelimit-reset-tokens': '44.5s',
    });
    expect(reservation.remaining).toEqual({ requests: Infinity, tokens: 30 });
    const { reserve: unlimited } = await build({});
    expect((await unlimited.execute(KEY_A, amounts({ tokens: 20 }), false)).headers).toEqual({});
  });

  it('refuses over the key limit with a 429 rate_limit_exceeded of type requests', async () => {
    const { reserve } = await build({ requests_per_minute: 10 }, { requests_per_minute: 3 });
    for (let i = 0; i < 3; i++) await reserve.execute(KEY_A, amounts(), false);
    const error = await refusalOf(reserve.execute(KEY_A, amounts(), false));
    expect(error).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded', param: null });
    expect(error.message).toBe(
      'Rate limit reached for requests per min (RPM) on this API key: Limit 3, Used 3, Requested 1. Please try again in 44.5s.',
    );
    expect(error.headers).toEqual({
      'retry-after': '45',
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '44.5s',
    });
  });

  it('refuses over the tokens per minute with type tokens, reporting the estimate as requested', async () => {
    const { reserve, clock } = await build({ tokens_per_minute: 1_000 });
    await reserve.execute(KEY_A, amounts({ tokens: 400 }), false);
    await reserve.execute(KEY_A, amounts({ tokens: 400 }), false);
    clock.now = T0 + 44_000; // 500 ms before the minute ends
    const error = await refusalOf(reserve.execute(KEY_A, amounts({ tokens: 400 }), false));
    expect(error).toMatchObject({ status: 429, type: 'tokens', code: 'rate_limit_exceeded' });
    expect(error.message).toContain('tokens per min (TPM) on this tenant: Limit 1000, Used 800, Requested 400.');
    expect(error.message).toContain('Please try again in 500ms.');
    expect(error.headers['retry-after']).toBe('1');
    expect(error.headers['x-ratelimit-limit-tokens']).toBe('1000');
    expect(error.headers['x-ratelimit-reset-tokens']).toBe('500ms');
    // A new minute: admitted again.
    clock.now = T0 + 44_500;
    await expect(reserve.execute(KEY_A, amounts({ tokens: 400 }), false)).resolves.toMatchObject({
      headers: { 'x-ratelimit-remaining-tokens': '600', 'x-ratelimit-reset-tokens': '1m0s' },
    });
  });

  it('refuses over the daily tokens and audio with a retry-after until the UTC day ends', async () => {
    const { reserve } = await build({ tokens_per_day: 500, audio_seconds_per_day: 10 });
    await reserve.execute(KEY_A, amounts({ tokens: 500, audioMs: 6_000 }), false);
    const tokens = await refusalOf(reserve.execute(KEY_A, amounts({ tokens: 1 }), false));
    expect(tokens).toMatchObject({ status: 429, type: 'tokens', code: 'rate_limit_exceeded' });
    expect(tokens.message).toContain('tokens per day (TPD) on this tenant: Limit 500, Used 500, Requested 1.');
    expect(tokens.headers['retry-after']).toBe(String(Math.ceil(W0.msToDayEnd / 1000)));
    expect(tokens.message).toContain('Please try again in 13h39m44.5s.');

    const audio = await refusalOf(reserve.execute(KEY_A, amounts({ audioMs: 4_001 }), false));
    expect(audio).toMatchObject({ status: 429, type: 'audio_seconds', code: 'rate_limit_exceeded' });
    expect(audio.message).toContain('audio seconds per day on this tenant: Limit 10, Used 6, Requested 5.');
  });

  it('a spent monthly budget is 429 insufficient_quota with x-should-retry: false', async () => {
    const { reserve } = await build({ spend_per_month_usd_micros: 1_000_000, requests_per_minute: 100 });
    await reserve.execute(KEY_A, amounts({ spendMicros: 600_000 }), false);
    const error = await refusalOf(reserve.execute(KEY_A, amounts({ spendMicros: 600_000 }), false));
    expect(error).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(error.message).toContain('($1.00; used $0.60)');
    expect(error.headers).toMatchObject({
      'x-should-retry': 'false',
      'retry-after': String(Math.ceil(W0.msToMonthEnd / 1000)),
      'x-ratelimit-limit-requests': '100',
    });
    expect(Number(error.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('refuses a stream over concurrent_streams with type streams and retry-after 1; leases are unique', async () => {
    const { reserve, redis } = await build({ concurrent_streams: 2 });
    const first = await reserve.execute(KEY_A, amounts(), true);
    const second = await reserve.execute(KEY_A, amounts(), true);
    expect(first.leaseId).not.toBe(second.leaseId);
    const error = await refusalOf(reserve.execute(KEY_A, amounts(), true));
    expect(error).toMatchObject({ status: 429, type: 'streams', code: 'rate_limit_exceeded' });
    expect(error.message).toContain('concurrent streams on this tenant: Limit 2, Used 2, Requested 1.');
    expect(error.headers['retry-after']).toBe('1');
    // The lease expiry is the clock plus streamLeaseMs.
    expect(await redis.zscore('quota:{t:ten_1}:streams', first.leaseId!)).toBe(String(T0 + 30_000));
  });

  it('dry run admits what it would refuse and says which limit, for the log', async () => {
    const { reserve, redis } = await build({ requests_per_minute: 1 }, {}, true);
    await expect(reserve.execute(KEY_A, amounts(), false)).resolves.toMatchObject({ wouldRefuse: null });
    const reservation = await reserve.execute(KEY_A, amounts(), false);
    expect(reservation.wouldRefuse).toBe('requests_per_minute');
    expect(reservation.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(await redis.get(`quota:{t:ten_1}:rpm:${W0.minute}`)).toBe('2');
  });

  it('tells onRefusal which limit of which scope refused, and whether it was enforced (not in a dry run)', async () => {
    const { redis } = testRedis();
    const quotas = new QuotaRepository(redis);
    await quotas.setLimits({ kind: 'tenant', tenantId: 'ten_1' }, { tokens_per_day: 50 });
    await quotas.setLimits({ kind: 'key', tenantId: 'ten_1', keyId: 'key_a' }, { requests_per_minute: 1 });
    const told: string[] = [];
    const onRefusal = (refusal: { scope: string; limit: string }, enforced: boolean) =>
      told.push(`${refusal.scope}:${refusal.limit}:${enforced}`);
    const enforcing = new ReserveQuota(quotas, { dryRun: false, streamLeaseMs: 30_000, onRefusal }, () => T0);
    await enforcing.execute(KEY_A, amounts({ tokens: 10 }), false);
    expect(told).toEqual([]);
    await refusalOf(enforcing.execute(KEY_A, amounts({ tokens: 10 }), false));
    await refusalOf(enforcing.execute({ ...KEY_A, keyId: 'key_b' }, amounts({ tokens: 100 }), false));
    const dryRun = new ReserveQuota(quotas, { dryRun: true, streamLeaseMs: 30_000, onRefusal }, () => T0);
    await dryRun.execute(KEY_A, amounts({ tokens: 1 }), false);
    expect(told).toEqual([
      'key:requests_per_minute:true',
      'tenant:tokens_per_day:true',
      'key:requests_per_minute:false',
    ]);
  });
});
