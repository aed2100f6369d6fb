import { Queue } from 'bullmq';
import { BATCH_QUEUE, type BatchJobItem, type BatchJobScheduler } from './batch-jobs';

/** Where BullMQ keeps its keys and how it connects; the gateway derives both from its Redis config. */
export interface BatchQueueConnection {
  /** `redis://…`. BullMQ opens its own connections (it cannot share one that has an ioredis keyPrefix). */
  readonly url: string;
  /** BullMQ key prefix, e.g. `voxgate:bull` (keys become `voxgate:bull:batches:…`). */
  readonly prefix: string;
  /**
   * The producer's command timeout (`redis.commandTimeoutMs`): `POST /v1/batches` against a frozen Redis
   * fails after it. Not applied to the worker's blocking connections.
   */
  readonly commandTimeoutMs?: number;
}

/**
 * Producer side of the batch queue. Fails fast when Redis is down (no offline queue), so `POST
 * /v1/batches` answers 503 instead of hanging, as BullMQ's production guide advises for producers.
 *
 * Jobs retry a crashing processor 5 times with exponential backoff; completed jobs are dropped after a day
 * and failed ones after a week (the batch object itself records how it ended).
 */
export class BatchJobQueue implements BatchJobScheduler {
  private readonly queue: Queue;

  constructor(connection: BatchQueueConnection) {
    this.queue = new Queue(BATCH_QUEUE, {
      connection: {
        url: connection.url,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 2,
        connectTimeout: 2_000,
        ...(connection.commandTimeoutMs === undefined ? {} : { commandTimeout: connection.commandTimeoutMs }),
      },
      prefix: connection.prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 5_000 },
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
      },
    });
    // Errors surface on the `add` that hit them; the emitter must not crash the process meanwhile.
    this.queue.on('error', () => undefined);
  }

  async enqueue(job: BatchJobItem): Promise<void> {
    await this.queue.add(job.name, job.data, { jobId: job.data.batchId });
  }

  /**
   * Batch jobs per BullMQ state (`waiting`, `active`, `delayed`, `prioritized`, `waiting-children`,
   * `failed`; completed jobs are not counted), for the queue-depth gauge. One Redis round trip; fails fast
   * like `enqueue` when Redis is down.
   */
  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
