import { useTestRedis } from '@voxgate/testing';
import type { ToolOutcome } from '../tool-module';
import { IdempotencyLedgerRepository } from './idempotency-ledger.repository';

const ok: ToolOutcome = { status: 'ok', result: { charged: true } };

describe('IdempotencyLedgerRepository (real Redis)', () => {
  const redis = useTestRedis();
  const ledger = () => new IdempotencyLedgerRepository(redis().redis, 60_000);

  it('derives one key per tenant, scope, tool and canonical arguments', () => {
    const base = { tenantId: 't', sessionId: null, requestId: 'r1', toolName: 'pay', canonicalArguments: '{"a":1}' };
    const key = IdempotencyLedgerRepository.keyOf(base);
    expect(IdempotencyLedgerRepository.keyOf({ ...base })).toBe(key);
    expect(IdempotencyLedgerRepository.keyOf({ ...base, requestId: 'r2' })).not.toBe(key);
    expect(IdempotencyLedgerRepository.keyOf({ ...base, tenantId: 'u' })).not.toBe(key);
    expect(IdempotencyLedgerRepository.keyOf({ ...base, canonicalArguments: '{"a":2}' })).not.toBe(key);
    // A session spans requests: the same call in another request of the session is the same call.
    const inSession = { ...base, sessionId: 's1' };
    expect(IdempotencyLedgerRepository.keyOf({ ...inSession, requestId: 'r9' })).toBe(
      IdempotencyLedgerRepository.keyOf(inSession),
    );
  });

  it('lets exactly one caller claim, tells the others it runs, then replays the outcome', async () => {
    const repo = ledger();
    expect(await repo.claim('t', 'k', 'owner-1', 10_000, 1_000)).toEqual({ verdict: 'claimed' });
    expect(await repo.claim('t', 'k', 'owner-2', 10_000, 1_001)).toEqual({ verdict: 'running' });
    expect(await repo.complete('t', 'k', 'owner-2', ok, 1_002)).toBe(false);
    expect(await repo.complete('t', 'k', 'owner-1', ok, 1_002)).toBe(true);
    expect(await repo.claim('t', 'k', 'owner-3', 10_000, 1_003)).toEqual({ verdict: 'completed', outcome: ok });
  });

  it('keeps a pending call pending (never re-run), and a late result upgrades it', async () => {
    const repo = ledger();
    await repo.claim('t', 'k', 'o1', 10_000, 0);
    const pending: ToolOutcome = { status: 'pending', message: 'sent, unknown' };
    expect(await repo.markPending('t', 'k', 'o1', pending, 5)).toBe(true);
    expect(await repo.claim('t', 'k', 'o2', 10_000, 6)).toEqual({ verdict: 'pending', outcome: pending });
    expect(await repo.release('t', 'k', 'o1', 7)).toBe(false);
    expect(await repo.complete('t', 'k', 'o1', ok, 8)).toBe(true);
    expect(await repo.claim('t', 'k', 'o2', 10_000, 9)).toEqual({ verdict: 'completed', outcome: ok });
  });

  it('turns a claim whose lease lapsed (its process died) into pending, not a rerun', async () => {
    const repo = ledger();
    await repo.claim('t', 'k', 'dead', 1_000, 0);
    expect(await repo.claim('t', 'k', 'o2', 1_000, 500)).toEqual({ verdict: 'running' });
    expect(await repo.claim('t', 'k', 'o2', 1_000, 1_001)).toEqual({ verdict: 'pending', outcome: null });
    expect(await repo.claim('t', 'k', 'o3', 1_000, 5_000)).toEqual({ verdict: 'pending', outcome: null });
  });

  it('forgets a released claim so an identical call may run', async () => {
    const repo = ledger();
    await repo.claim('t', 'k', 'o1', 10_000, 0);
    expect(await repo.release('t', 'k', 'o1', 1)).toBe(true);
    expect(await repo.claim('t', 'k', 'o2', 10_000, 2)).toEqual({ verdict: 'claimed' });
  });

  it("stores entries under the tenant's hash tag with the retention as TTL", async () => {
    await ledger().claim('ten_42', 'abc', 'o', 10_000, 0);
    expect(await redis().keys()).toEqual(['tools:{t:ten_42}:ledger:abc']);
    const ttl = await redis().redis.pttl('tools:{t:ten_42}:ledger:abc');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
