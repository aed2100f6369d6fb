import { type Job, WaitingError, Worker } from 'bullmq';
import type { ProcessBatch } from '../processing/process-batch.usecase';
import { BATCH_QUEUE, ProcessBatchJobSchema } from './batch-jobs';
import type { BatchQueueClient, BatchQueueConnection } from './batch-job.queue';
import { ThrottledLog } from './throttled-log';

/** Structured log line: level, message, fields (the gateway's JSON logger fits). */
export type BatchLog = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;

export interface BatchWorkerOptions {
  /** Batches this process runs at the same time (each runs its lines `lineConcurrency` at a time). */
  readonly concurrency: number;
  /** How often a job whose worker died may be picked up again before BullMQ gives up on it. */
  readonly maxStalledCount?: number;
  /** Clock for the error-log throttle (tests inject one). */
  readonly now?: () => number;
}

/**
 * Consumer side of the batch queue: runs `process-batch` jobs with `ProcessBatch`.
 *
 * - A worker that dies mid-batch loses its job lock; BullMQ's stalled check hands the job to another
 *   worker, which resumes from the recorded lines (up to `maxStalledCount` times, 100 by default).
 * - `close()` is graceful: running batches stop starting lines, let running ones finish, and put their
 *   job back in the wait list for another worker (`moveToWait` + `WaitingError`). It waits at most
 *   `graceMs` for that (one second when no job runs: BullMQ's close hangs while Redis is unreachable);
 *   a job abandoned then is resumed by another worker once its lock expires.
 * - A processor that throws on its last attempt marks the batch `failed` (`internal_error`), so no batch
 *   stays `in_progress` for ever.
 *
 * - Its connections use `maxRetriesPerRequest: null`, which BullMQ requires for blocking commands, and no
 *   command timeout (a blocking `BZPOPMIN` waits on purpose). While Redis is unreachable BullMQ retries
 *   in a loop and emits an error each time; the worker logs at most one of those a second, with the count
 *   of the ones it held back (`suppressed`).
 */
export class BatchWorker {
  private worker: Worker | null = null;
  private client: BatchQueueClient | null = null;
  private closing = false;
  private active = 0;
  private readonly errorLog: ThrottledLog;

  constructor(
    private readonly processBatch: ProcessBatch,
    private readonly connection: BatchQueueConnection,
    private readonly options: BatchWorkerOptions,
    private readonly log: BatchLog,
  ) {
    this.errorLog = new ThrottledLog(1_000, options.now);
  }

  start(): void {
    if (this.worker) return;
    const client = this.connection.connect('worker');
    client.on('error', () => undefined); // reported through the worker's own 'error' event
    this.client = client;
    this.worker = new Worker(BATCH_QUEUE, (job, token) => this.process(job, token), {
      connection: client,
      prefix: this.connection.prefix,
      concurrency: this.options.concurrency,
      maxStalledCount: this.options.maxStalledCount ?? 100,
    });
    this.worker.on('error', (error) =>
      this.errorLog.write((suppressed) =>
        this.log('warn', 'batch worker error', { error: error.message, ...(suppressed > 0 ? { suppressed } : {}) }),
      ),
    );
  }

  async close(graceMs = 30_000): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    // BullMQ's graceful close stops fetching and waits for the running jobs (which now yield). It also
    // waits on Redis, so it is bounded: by the grace with jobs running, by a second without.
    await within(
      this.active > 0 ? graceMs : 1_000,
      worker.close().catch(() => undefined),
    );
    // BullMQ closes the blocking connection it made, never the client it was given.
    this.client?.disconnect();
    this.client = null;
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    this.active += 1;
    try {
      await this.run(job, token);
    } finally {
      this.active -= 1;
    }
  }

  private async run(job: Job, token: string | undefined): Promise<void> {
    const data = ProcessBatchJobSchema.parse(job.data);
    const attempts = job.opts.attempts ?? 1;
    try {
      const result = await this.processBatch.execute(data, { shouldYield: () => this.closing });
      if (result === 'yielded') {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      this.log('info', 'batch job finished', { batchId: data.batchId, tenantId: data.tenantId });
    } catch (error) {
      if (error instanceof WaitingError) throw error;
      const last = job.attemptsMade + 1 >= attempts;
      this.log('error', 'batch job failed', {
        batchId: data.batchId,
        attempt: job.attemptsMade + 1,
        last,
        error: error instanceof Error ? error.message : String(error),
      });
      if (last)
        await this.processBatch.fail({ tenantId: data.tenantId, id: data.batchId }, [
          { code: 'internal_error', message: 'The batch could not be processed.', param: null, line: null },
        ]);
      throw error;
    }
  }
}

/** Waits for `promise`, but no longer than `ms`. */
async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
