import { seededRandom, useTestRedis } from '@voxgate/testing';
import type { Redis } from 'ioredis';
import type { Principal } from '../tenancy.types';
import { type QuotaAmounts, QuotaRepository, type ReserveArgs, type ReserveOutcome } from './quota.repository';
import type { QuotaLimits } from './quota-limits';
import { windowsAt } from './quota-windows';

// A fixed instant in the future: windows are deterministic, and absolute lease expiries stay ahead of Redis' clock.
const T0 = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
const W0 = windowsAt(T0);
const PRINCIPAL: Principal = { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' };
const NOTHING: QuotaAmounts = { tokens: 0, spendMicros: 0, audioMs: 0 };

const reserveArgs = (overrides: Partial<ReserveArgs> = {}): ReserveArgs => ({
  principal: PRINCIPAL,
  estimate: NOTHING,
  stream: false,
  leaseId: '',
  leaseExpiresAtMs: T0 + 30_000,
  nowMs: T0,
  windows: W0,
  dryRun: false,
  ...overrides,
});

describe('QuotaRepository: exact admission across replicas (real Redis)', () => {
  const testRedis = useTestRedis();
  const extra: Redis[] = [];

  afterEach(() => {
    for (const connection of extra.splice(0)) connection.disconnect();
  });

  /** Three repositories on three connections sharing one key prefix: three gateway replicas. */
  async function replicas(tenantLimits: QuotaLimits, keyLimits: QuotaLimits = {}): Promise<QuotaRepository[]> {
    const { redis } = testRedis();
    const others = [redis.duplicate(), redis.duplicate()];
    extra.push(...others);
    const repositories = [redis, ...others].map((connection) => new QuotaRepository(connection));
    const [first] = repositories;
    await first!.setLimits({ kind: 'tenant', tenantId: 'ten_1' }, tenantLimits);
    await first!.setLimits({ kind: 'key', tenantId: 'ten_1', keyId: 'key_a' }, keyLimits);
    return repositories;
  }

  async function race(
    repositories: QuotaRepository[],
    count: number,
    argsOf: (index: number) => ReserveArgs,
  ): Promise<ReserveOutcome[]> {
    return Promise.all(
      Array.from({ length: count }, (_, index) => repositories[index % repositories.length]!.reserve(argsOf(index))),
    );
  }

  it('requests_per_minute = 7: exactly 7 of 60 concurrent requests over 3 connections are admitted', async () => {
    const repositories = await replicas({ requests_per_minute: 7 });
    const outcomes = await race(repositories, 60, () => reserveArgs());
    expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(7);
    for (const outcome of outcomes.filter((candidate) => !candidate.admitted)) {
      expect(outcome.refusal).toEqual({
        scope: 'tenant',
        limit: 'requests_per_minute',
        max: 7,
        used: 7,
        resetMs: 44_500,
      });
    }
    const { redis } = testRedis();
    expect(await redis.get(`quota:{t:ten_1}:rpm:${W0.minute}`)).toBe('7');
    expect(await redis.get(`quota:{t:ten_1}:key:key_a:rpm:${W0.minute}`)).toBe('7');
  });

  it('a key limit is just as exact: key requests_per_minute = 7 under an unlimited tenant', async () => {
    const repositories = await replicas({}, { requests_per_minute: 7 });
    const outcomes = await race(repositories, 60, () => reserveArgs());
    expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(7);
    expect(new Set(outcomes.flatMap((outcome) => (outcome.refusal ? [outcome.refusal.scope] : [])))).toEqual(
      new Set(['key']),
    );
  });

  it('concurrent_streams = 5: exactly 5 of 60 concurrent streams hold a lease', async () => {
    const repositories = await replicas({ concurrent_streams: 5 });
    const outcomes = await race(repositories, 60, (index) => reserveArgs({ stream: true, leaseId: `lease-${index}` }));
    const admitted = outcomes.filter((outcome) => outcome.admitted);
    expect(admitted).toHaveLength(5);
    for (const outcome of outcomes.filter((candidate) => !candidate.admitted)) {
      expect(outcome.refusal).toEqual({ scope: 'tenant', limit: 'concurrent_streams', max: 5, used: 5, resetMs: 1000 });
    }
    const { redis } = testRedis();
    expect(await redis.zcard('quota:{t:ten_1}:streams')).toBe(5);
    expect(await redis.zcard('quota:{t:ten_1}:key:key_a:streams')).toBe(5);
  });

  it('tokens_per_minute = 1000 with estimates of 150: exactly 6 of 60 are admitted, 900 tokens reserved', async () => {
    const repositories = await replicas({ tokens_per_minute: 1000 });
    const outcomes = await race(repositories, 60, () => reserveArgs({ estimate: { ...NOTHING, tokens: 150 } }));
    expect(outcomes.filter((outcome) => outcome.admitted)).toHaveLength(6);
    expect(await testRedis().redis.get(`quota:{t:ten_1}:tpm:${W0.minute}`)).toBe('900');
  });

  it('tokens_per_minute with random estimates: admitted estimates fill the limit and no refusal would have fit', async () => {
    const repositories = await replicas({ tokens_per_minute: 5_000 });
    const next = seededRandom(42);
    const estimates = Array.from({ length: 120 }, () => 1 + Math.floor(next() * 400));
    const outcomes = await race(repositories, estimates.length, (index) =>
      reserveArgs({ estimate: { ...NOTHING, tokens: estimates[index]! } }),
    );
    const admittedTokens = estimates.reduce((sum, tokens, index) => sum + (outcomes[index]!.admitted ? tokens : 0), 0);
    const counter = Number(await testRedis().redis.get(`quota:{t:ten_1}:tpm:${W0.minute}`));
    expect(counter).toBe(admittedTokens);
    expect(admittedTokens).toBeLessThanOrEqual(5_000);
    expect(outcomes.some((outcome) => !outcome.admitted)).toBe(true);
    estimates.forEach((tokens, index) => {
      const outcome = outcomes[index]!;
      if (outcome.admitted) return;
      // Counters only grow, so a refused estimate also exceeds what is left at the end.
      expect(tokens).toBeGreaterThan(5_000 - counter);
      expect(outcome.refusal).toMatchObject({ scope: 'tenant', limit: 'tokens_per_minute', max: 5_000 });
      expect(outcome.refusal!.used + tokens).toBeGreaterThan(5_000);
    });
  });
});
