import { useTestRedis } from '@voxgate/testing';
import { CancelBatch } from '../batches/cancel-batch.usecase';
import { batchHarness, completion, RecordingExecutor, requestLine, TENANT } from '../__fixtures__/batch.factory';

const tenLines = Array.from({ length: 10 }, (_, index) => requestLine(`line-${index + 1}`));

describe('ProcessBatch: cancel and expiry', () => {
  const testRedis = useTestRedis();

  it('stops starting lines once cancelled, finishes the running ones and keeps their results', async () => {
    const harness = batchHarness(testRedis().redis, { lineConcurrency: 2 });
    const batchId = await harness.createBatch(tenLines);
    const cancel = new CancelBatch(harness.batches, harness.env);
    const executor = new RecordingExecutor(async (line) => {
      if (line.customId === 'line-3') expect((await cancel.execute(TENANT, batchId)).status).toBe('cancelling');
      return { statusCode: 200, requestId: `req_${line.customId}`, body: completion(line.customId) };
    });
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });

    const ran = executor.customIds();
    expect(ran.length).toBeLessThanOrEqual(4);
    expect(ran).toContain('line-3');
    const batch = (await harness.batches.get(TENANT, batchId))!;
    expect(batch.status).toBe('cancelled');
    expect(batch.timestamps.cancelling_at).toBeDefined();
    expect(batch.timestamps.cancelled_at).toBeDefined();
    expect(batch.counts).toEqual({ total: 10, completed: ran.length, failed: 0 });
    expect((await harness.fileLines(batch.outputFileId)).map((line) => line.custom_id)).toEqual(
      [...ran].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1])),
    );
  });

  it('cancels a batch that never started, without running a line; cancelling twice is harmless', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch(tenLines);
    const cancel = new CancelBatch(harness.batches, harness.env);
    await cancel.execute(TENANT, batchId);
    expect((await cancel.execute(TENANT, batchId)).status).toBe('cancelling');
    const executor = new RecordingExecutor();
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });
    expect(executor.executions).toEqual([]);
    expect((await cancel.execute(TENANT, batchId)).status).toBe('cancelled');
  });

  it('refuses to cancel a finished batch (409) and an unknown one (404)', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch([requestLine('a')]);
    await harness.processor(new RecordingExecutor()).execute({ tenantId: TENANT, batchId });
    const cancel = new CancelBatch(harness.batches, harness.env);
    await expect(cancel.execute(TENANT, batchId)).rejects.toMatchObject({
      status: 409,
      code: 'batch_not_cancellable',
      headers: { 'x-should-retry': 'false' },
    });
    await expect(cancel.execute('ten_other', batchId)).rejects.toMatchObject({ status: 404, code: 'batch_not_found' });
  });

  it('expires a batch past its window: unfinished lines become batch_expired error lines', async () => {
    const harness = batchHarness(testRedis().redis, { lineConcurrency: 1 });
    const batchId = await harness.createBatch(tenLines.slice(0, 4));
    const executor = new RecordingExecutor((line) => {
      if (line.customId === 'line-2') harness.env.nowMs += 25 * 3_600_000;
      return { statusCode: 200, requestId: `req_${line.customId}`, body: completion(line.customId) };
    });
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });

    expect(executor.customIds()).toEqual(['line-1', 'line-2']);
    const batch = (await harness.batches.get(TENANT, batchId))!;
    expect(batch).toMatchObject({ status: 'expired', counts: { total: 4, completed: 2, failed: 2 } });
    expect(batch.timestamps.expired_at).toBeDefined();
    const errors = await harness.fileLines(batch.errorFileId);
    expect(errors).toEqual([
      expect.objectContaining({
        custom_id: 'line-3',
        response: null,
        error: expect.objectContaining({ code: 'batch_expired' }),
      }),
      expect.objectContaining({ custom_id: 'line-4', response: null }),
    ]);
  });
});
