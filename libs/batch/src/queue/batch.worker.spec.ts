import { Queue } from 'bullmq';
import { openTestRedis, scanKeys, useTestRedis } from '@voxgate/testing';
import type { BatchQueueConnection } from './batch-job.queue';
import { CreateBatch } from '../batches/create-batch.usecase';
import { batchHarness, completion, KEY, RecordingExecutor, requestLine, TENANT } from '../__fixtures__/batch.factory';
import { UploadFile } from '../files/upload-file.usecase';
import { BATCH_QUEUE } from './batch-jobs';
import { BatchJobQueue } from './batch-job.queue';
import { BatchWorker } from './batch.worker';

describe('BatchWorker over real BullMQ', () => {
  const testRedis = useTestRedis();
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function setup(executor: RecordingExecutor) {
    const harness = batchHarness(testRedis().redis);
    const connection: BatchQueueConnection = {
      connect: (role) => openTestRedis(role === 'worker' ? { maxRetriesPerRequest: null } : {}),
      prefix: `{${testRedis().prefix}bull}`,
    };
    const queue = new BatchJobQueue(connection);
    closers.push(() => queue.close());
    const create = new CreateBatch(harness.batches, harness.files, queue, harness.settings, harness.env);
    const upload = new UploadFile(harness.files, harness.settings, harness.env);
    const startWorker = () => {
      const worker = new BatchWorker(harness.processor(executor), connection, { concurrency: 2 }, () => undefined);
      worker.start();
      closers.push(() => worker.close());
      return worker;
    };
    const submit = async (lines: string[]) => {
      const file = await upload.execute({
        tenantId: TENANT,
        fields: { purpose: 'batch' },
        filename: 'in.jsonl',
        content: Buffer.from(lines.join('\n')),
      });
      const batch = await create.execute(
        { tenantId: TENANT, keyId: KEY },
        { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
      );
      return batch.id;
    };
    const statusOf = async (batchId: string) => (await harness.batches.get(TENANT, batchId))?.status;
    return { harness, connection, startWorker, submit, statusOf };
  }

  it('runs an enqueued batch to completed, under the BullMQ prefix only', async () => {
    const { harness, startWorker, submit, statusOf } = setup(new RecordingExecutor());
    startWorker();
    const batchId = await submit([requestLine('a'), requestLine('b')]);
    await waitFor(async () => (await statusOf(batchId)) === 'completed');
    expect((await harness.batches.get(TENANT, batchId))?.counts).toEqual({ total: 2, completed: 2, failed: 0 });
    const { redis, prefix } = testRedis();
    // BullMQ's keys carry the hash-tagged prefix, whole (one slot per queue on a cluster), and nothing else.
    expect(await scanKeys(redis, `{${prefix}bull}:${BATCH_QUEUE}:*`)).not.toEqual([]);
    expect((await testRedis().keys()).filter((key) => key.startsWith('bull'))).toEqual([]);
  });

  it('on close, puts a running batch back in the queue for the next worker, which finishes it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new RecordingExecutor(async (line) => {
      await gate;
      return { statusCode: 200, requestId: 'r', body: completion(line.customId) };
    });
    const { connection, startWorker, submit, statusOf } = setup(slow);
    const worker = startWorker();
    const batchId = await submit(Array.from({ length: 8 }, (_, index) => requestLine(`l${index}`)));
    await waitFor(() => Promise.resolve(slow.executions.length > 0));
    const closing = worker.close();
    release();
    await closing;
    expect(await statusOf(batchId)).toBe('in_progress');
    const client = openTestRedis();
    const queue = new Queue(BATCH_QUEUE, { connection: client, prefix: connection.prefix });
    closers.push(async () => {
      await queue.close();
      client.disconnect();
    });
    expect(await queue.getJobState(batchId)).toBe('waiting');

    startWorker();
    await waitFor(async () => (await statusOf(batchId)) === 'completed');
    expect(slow.customIds().length).toBe(8);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
