import { Errors } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { batchHarness, completion, RecordingExecutor, requestLine, TENANT } from '../__fixtures__/batch.factory';

const rateLimited = { statusCode: 429, requestId: 'req_429', body: { error: { message: 'slow down' } } };

describe('ProcessBatch: retries', () => {
  const testRedis = useTestRedis();

  it('waits out 429s (retry-after, bounded) and records the line once it succeeds', async () => {
    const harness = batchHarness(testRedis().redis, { rateLimitMaxWaitMs: 30_000 });
    const batchId = await harness.createBatch([requestLine('a')]);
    const executor = new RecordingExecutor((line, attempt) =>
      attempt === 1
        ? { ...rateLimited, retryAfterMs: 2_500 }
        : attempt === 2
          ? { ...rateLimited, retryAfterMs: 3_600_000 }
          : attempt === 3
            ? rateLimited
            : { statusCode: 200, requestId: 'req_ok', body: completion(line.customId) },
    );
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });

    expect(executor.executions).toHaveLength(4);
    // 2.5 s, then the 30 s cap, then the 1 s default, each slept in slices of at most 1 s.
    expect(harness.env.sleeps.reduce((total, ms) => total + ms, 0)).toBe(2_500 + 30_000 + 1_000);
    const batch = (await harness.batches.get(TENANT, batchId))!;
    expect(batch.counts).toEqual({ total: 1, completed: 1, failed: 0 });
    expect(await harness.fileLines(batch.errorFileId)).toEqual([]);
  });

  it('records a 429 that says waiting will not help', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch([requestLine('a')]);
    const executor = new RecordingExecutor(() => ({ ...rateLimited, shouldRetry: false }));
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });
    expect(executor.executions).toHaveLength(1);
    expect((await harness.batches.get(TENANT, batchId))?.counts.failed).toBe(1);
  });

  it('retries 5xx (and executor crashes) a bounded number of times, then records the error', async () => {
    const harness = batchHarness(testRedis().redis, { serverErrorRetries: 2, serverErrorBackoffMs: 1_000 });
    const batchId = await harness.createBatch([requestLine('flaky'), requestLine('down')]);
    const executor = new RecordingExecutor((line, attempt) => {
      if (line.customId === 'flaky' && attempt === 1) throw new Error('socket hang up');
      if (line.customId === 'flaky') return { statusCode: 200, requestId: 'req_ok', body: completion('ok') };
      return {
        statusCode: 502,
        requestId: `req_${attempt}`,
        body: Errors.upstreamError('openai', 'HTTP 500').toJSON(),
      };
    });
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });

    expect(executor.customIds().filter((id) => id === 'flaky')).toHaveLength(2);
    expect(executor.customIds().filter((id) => id === 'down')).toHaveLength(3);
    const batch = (await harness.batches.get(TENANT, batchId))!;
    expect(batch.counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const [error] = await harness.fileLines(batch.errorFileId);
    expect(error).toMatchObject({
      custom_id: 'down',
      response: { status_code: 502, request_id: 'req_3', body: { error: { code: 'upstream_error' } } },
      error: null,
    });
  });
});
