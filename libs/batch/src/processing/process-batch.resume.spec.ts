import { useTestRedis } from '@voxgate/testing';
import type { FileRepository } from '../files/file.repository';
import { batchHarness, completion, RecordingExecutor, requestLine, TENANT } from '../__fixtures__/batch.factory';
import { ProcessBatch } from './process-batch.usecase';

const lines = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6'].map((id, index) =>
  requestLine(id, index % 2 === 0 ? { sessionId: 'call-9' } : {}),
);

describe('ProcessBatch: resuming', () => {
  const testRedis = useTestRedis();

  it('resumes after a crash without executing a recorded line again', async () => {
    const harness = batchHarness(testRedis().redis, { lineConcurrency: 1 });
    const batchId = await harness.createBatch(lines);
    // The first worker finishes two lines, then hangs for ever on the third (its process died).
    const crashed = new RecordingExecutor((line) =>
      ['l1', 'l2'].includes(line.customId)
        ? { statusCode: 200, requestId: `req_${line.customId}`, body: completion(line.customId) }
        : new Promise(() => undefined),
    );
    void harness.processor(crashed).execute({ tenantId: TENANT, batchId });
    await waitFor(async () => (await harness.batches.finishedLines(TENANT, batchId)).size === 2);

    const resumed = new RecordingExecutor();
    expect(await harness.processor(resumed).execute({ tenantId: TENANT, batchId })).toBe('finished');

    expect(resumed.customIds().sort()).toEqual(['l3', 'l4', 'l5', 'l6']);
    const batch = (await harness.batches.get(TENANT, batchId))!;
    expect(batch).toMatchObject({ status: 'completed', counts: { total: 6, completed: 6, failed: 0 } });
    const output = await harness.fileLines(batch.outputFileId);
    expect(output.map((line) => line.custom_id)).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
    expect((output[0]!.response as { request_id: string }).request_id).toBe('req_l1');
  });

  it('yields on shutdown between lines, then finishes where it stopped', async () => {
    const harness = batchHarness(testRedis().redis, { lineConcurrency: 2 });
    const batchId = await harness.createBatch(lines);
    const first = new RecordingExecutor();
    const result = await harness
      .processor(first)
      .execute({ tenantId: TENANT, batchId }, { shouldYield: () => first.executions.length >= 3 });
    expect(result).toBe('yielded');
    expect((await harness.batches.get(TENANT, batchId))?.status).toBe('in_progress');
    const recorded = await harness.batches.finishedLines(TENANT, batchId);
    expect(recorded.size).toBe(first.executions.length);

    const second = new RecordingExecutor();
    await harness.processor(second).execute({ tenantId: TENANT, batchId });
    expect([...first.customIds(), ...second.customIds()].sort()).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
    expect((await harness.batches.get(TENANT, batchId))?.counts.completed).toBe(6);
  });

  it('re-finalises a batch that crashed while writing its files, executing nothing again', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch(lines.slice(0, 2));
    const failingFiles = Object.create(harness.files) as FileRepository;
    failingFiles.put = () => Promise.reject(new Error('the worker died here'));
    const crashing = new ProcessBatch(
      harness.batches,
      failingFiles,
      new RecordingExecutor(),
      harness.settings,
      harness.env,
    );
    await expect(crashing.execute({ tenantId: TENANT, batchId })).rejects.toThrow('the worker died here');
    expect((await harness.batches.get(TENANT, batchId))?.status).toBe('finalizing');

    const again = new RecordingExecutor();
    await harness.processor(again).execute({ tenantId: TENANT, batchId });
    expect(again.executions).toEqual([]);
    const batch = (await harness.batches.get(TENANT, batchId))!;
    expect(batch).toMatchObject({ status: 'completed', counts: { total: 2, completed: 2, failed: 0 } });
    expect((await harness.fileLines(batch.outputFileId)).map((line) => line.custom_id)).toEqual(['l1', 'l2']);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
