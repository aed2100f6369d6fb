import { useTestRedis } from '@voxgate/testing';
import { BatchRepository } from './batch.repository';
import type { StoredBatch } from './stored-batch';

const batch = (id: string, createdMs: number): StoredBatch => ({
  id,
  tenantId: 'ten_a',
  keyId: 'key_a',
  endpoint: '/v1/chat/completions',
  inputFileId: 'file-1',
  createdMs,
  expiresAt: Math.floor(createdMs / 1000) + 86_400,
  metadata: { team: 'ops' },
  outputTtlSeconds: null,
  status: 'validating',
  model: null,
  errors: null,
  outputFileId: null,
  errorFileId: null,
  timestamps: {},
  counts: { total: 0, completed: 0, failed: 0 },
  usage: { input: 0, cached: 0, output: 0, reasoning: 0, total: 0 },
});

const usage = { input: 10, cached: 2, output: 5, reasoning: 1, total: 15 };

describe('BatchRepository', () => {
  const testRedis = useTestRedis();

  it('round-trips a batch and lists newest first with the after cursor', async () => {
    const batches = new BatchRepository(testRedis().redis);
    for (let index = 1; index <= 25; index++) await batches.create(batch(`batch_${index}`, 1_000_000 + index), 60_000);
    expect(await batches.get('ten_a', 'batch_3')).toEqual(batch('batch_3', 1_000_003));
    const first = await batches.list('ten_a', { limit: 20, after: null });
    expect(first?.items).toHaveLength(20);
    expect(first?.items[0]?.id).toBe('batch_25');
    expect(first?.hasMore).toBe(true);
    const second = await batches.list('ten_a', { limit: 20, after: first!.items.at(-1)!.id });
    expect(second?.items.map((entry) => entry.id)).toEqual(['batch_5', 'batch_4', 'batch_3', 'batch_2', 'batch_1']);
    expect(second?.hasMore).toBe(false);
    expect(await batches.get('ten_b', 'batch_3')).toBeNull();
  });

  it('moves status only from the allowed ones, stamping the time and fields in the same step', async () => {
    const batches = new BatchRepository(testRedis().redis);
    await batches.create(batch('batch_1', 1_000), 60_000);
    expect(
      await batches.transition('ten_a', 'batch_1', {
        from: ['validating'],
        to: 'in_progress',
        timestamp: { field: 'in_progress_at', at: 42 },
        fields: { model: 'm', total: 3 },
      }),
    ).toEqual({ moved: true, previous: 'validating' });
    expect(await batches.transition('ten_a', 'batch_1', { from: ['validating'], to: 'failed' })).toEqual({
      moved: false,
      previous: 'in_progress',
    });
    expect(await batches.transition('ten_a', 'batch_404', { from: ['validating'], to: 'failed' })).toEqual({
      moved: false,
      previous: null,
    });
    const stored = await batches.get('ten_a', 'batch_1');
    expect(stored).toMatchObject({ status: 'in_progress', model: 'm', timestamps: { in_progress_at: 42 } });
    expect(stored?.counts.total).toBe(3);
  });

  it('records a line once and counts it once, and its results expire with the batch', async () => {
    const batches = new BatchRepository(testRedis().redis);
    await batches.create(batch('batch_1', 1_000), 60_000);
    const line = { lineNumber: 2, json: '{"first":true}', outcome: 'completed' as const, usage };
    expect(await batches.recordLine('ten_a', 'batch_1', line)).toBe(true);
    expect(await batches.recordLine('ten_a', 'batch_1', { ...line, json: '{"second":true}' })).toBe(false);
    await batches.recordLine('ten_a', 'batch_1', { lineNumber: 3, json: '{}', outcome: 'failed', usage });
    const stored = await batches.get('ten_a', 'batch_1');
    expect(stored?.counts).toEqual({ total: 0, completed: 1, failed: 1 });
    expect(stored?.usage).toEqual({ input: 20, cached: 4, output: 10, reasoning: 2, total: 30 });
    expect(await batches.lineResults('ten_a', 'batch_1', [1, 2, 3])).toEqual([null, '{"first":true}', '{}']);
    expect([...(await batches.finishedLines('ten_a', 'batch_1'))].sort()).toEqual([2, 3]);
    const ttl = await testRedis().redis.pttl('batch:{t:ten_a}:batch_1:results');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
