import { Errors } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { batchHarness, completion, KEY, RecordingExecutor, requestLine, TENANT } from '../__fixtures__/batch.factory';

describe('ProcessBatch: a batch from input to output files', () => {
  const testRedis = useTestRedis();

  it('runs every line once and writes output and error files in input order', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch([
      requestLine('a'),
      requestLine('bad'),
      requestLine('b'),
      requestLine('streamed', { extra: { body: { model: 'gpt-4o-audio-preview', messages: [], stream: true } } }),
      requestLine('c'),
    ]);
    const executor = new RecordingExecutor((line) =>
      line.customId === 'bad'
        ? { statusCode: 400, requestId: 'req_bad', body: Errors.invalidRequest('Nope.', 'messages').toJSON() }
        : { statusCode: 200, requestId: `req_${line.customId}`, body: completion(line.customId) },
    );

    expect(await harness.processor(executor).execute({ tenantId: TENANT, batchId })).toBe('finished');

    expect(executor.customIds().sort()).toEqual(['a', 'b', 'bad', 'c']);
    expect(executor.executions[0]?.context).toEqual({
      tenantId: TENANT,
      keyId: KEY,
      batchId,
      idempotencyKey: expect.stringMatching(new RegExp(`^batch:${batchId}:[0-9a-f]{32}$`)),
    });
    const batch = (await harness.batches.get(TENANT, batchId))!;
    expect(batch.status).toBe('completed');
    expect(batch.model).toBe('gpt-4o-audio-preview');
    expect(batch.counts).toEqual({ total: 5, completed: 3, failed: 2 });
    expect(batch.usage).toEqual({ input: 30, cached: 6, output: 15, reasoning: 3, total: 45 });
    expect(Object.keys(batch.timestamps).sort()).toEqual(['completed_at', 'finalizing_at', 'in_progress_at']);

    const output = await harness.fileLines(batch.outputFileId);
    expect(output.map((line) => line.custom_id)).toEqual(['a', 'b', 'c']);
    expect(output[0]).toEqual({
      id: expect.stringMatching(/^batch_req_/),
      custom_id: 'a',
      response: { status_code: 200, request_id: 'req_a', body: completion('a') },
      error: null,
    });
    const errors = await harness.fileLines(batch.errorFileId);
    expect(errors.map((line) => line.custom_id)).toEqual(['bad', 'streamed']);
    expect(errors[1]).toMatchObject({
      response: { status_code: 400, body: { error: { param: 'stream', type: 'invalid_request_error' } } },
      error: null,
    });
    const outputFile = await harness.files.get(TENANT, batch.outputFileId!);
    expect(outputFile).toMatchObject({ purpose: 'batch_output', filename: `${batchId}_output.jsonl` });
  });

  it('leaves output_file_id null when nothing succeeded, and error_file_id null when nothing failed', async () => {
    const harness = batchHarness(testRedis().redis);
    const allBad = await harness.createBatch([requestLine('x')]);
    await harness
      .processor(
        new RecordingExecutor(() => ({ statusCode: 401, requestId: 'r', body: Errors.invalidApiKey().toJSON() })),
      )
      .execute({ tenantId: TENANT, batchId: allBad });
    expect(await harness.batches.get(TENANT, allBad)).toMatchObject({
      status: 'completed',
      outputFileId: null,
      errorFileId: expect.stringMatching(/^file-/),
    });
    const allGood = await harness.createBatch([requestLine('y')]);
    await harness.processor(new RecordingExecutor()).execute({ tenantId: TENANT, batchId: allGood });
    expect(await harness.batches.get(TENANT, allGood)).toMatchObject({
      errorFileId: null,
      outputFileId: expect.any(String),
    });
  });

  it('fails the batch with the validation errors, running nothing', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch([requestLine('a'), 'not json', requestLine('a')]);
    const executor = new RecordingExecutor();
    await harness.processor(executor).execute({ tenantId: TENANT, batchId });
    expect(executor.executions).toEqual([]);
    const batch = await harness.batches.get(TENANT, batchId);
    expect(batch).toMatchObject({ status: 'failed', outputFileId: null, errorFileId: null });
    expect(batch?.errors?.map((error) => [error.code, error.line])).toEqual([
      ['invalid_json_line', 2],
      ['duplicate_custom_id', 3],
    ]);
    expect(batch?.timestamps.failed_at).toBeDefined();
  });

  it('fails the batch when its input file was deleted before it ran', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch([requestLine('a')]);
    const batch = (await harness.batches.get(TENANT, batchId))!;
    await harness.files.delete(TENANT, batch.inputFileId);
    await harness.processor(new RecordingExecutor()).execute({ tenantId: TENANT, batchId });
    expect((await harness.batches.get(TENANT, batchId))?.errors?.[0]?.code).toBe('input_file_not_found');
  });

  it('does nothing for a finished or unknown batch', async () => {
    const harness = batchHarness(testRedis().redis);
    const batchId = await harness.createBatch([requestLine('a')]);
    const processor = harness.processor(new RecordingExecutor());
    await processor.execute({ tenantId: TENANT, batchId });
    const executor = new RecordingExecutor();
    expect(await harness.processor(executor).execute({ tenantId: TENANT, batchId })).toBe('finished');
    expect(await harness.processor(executor).execute({ tenantId: 'ten_other', batchId })).toBe('finished');
    expect(executor.executions).toEqual([]);
  });
});
