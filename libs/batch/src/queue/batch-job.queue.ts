import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { BATCH_QUEUE, type BatchJobItem, type BatchJobScheduler } from './batch-jobs';

/** A client BullMQ can use: a single server (also behind Sentinel) or a Redis Cluster. */
export type BatchQueueClient = Redis | Cluster;

/** Where BullMQ keeps its keys and how it connects; the gateway derives both from its Redis config. */
export interface BatchQueueConnection {
  /**
   * Opens a new client without an ioredis `keyPrefix` (BullMQ refuses one and applies `prefix` itself).
   * `producer`: fails fast (command timeout, no offline queue), so `POST /v1/batches` against a frozen
   * Redis fails instead of hanging. `worker`: `maxRetriesPerRequest: null` and no command timeout, as
   * BullMQ's blocking commands need. Whoever calls it closes the client after BullMQ closed.
   */
  readonly connect: (role: 'producer' | 'worker') => BatchQueueClient;
  /**
   * BullMQ key prefix, e.g. `voxgate:bull` (keys become `voxgate:bull:batches:…`). On a Redis Cluster it
   * must be a hash tag, e.g. `{voxgate:bull}`: BullMQ's scripts touch several keys of a queue at once.
   */
  readonly prefix: string;
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
  private readonly client: BatchQueueClient;

  constructor(connection: BatchQueueConnection) {
    this.client = connection.connect('producer');
    this.queue = new Queue(BATCH_QUEUE, {
      connection: this.client,
      prefix: connection.prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 5_000 },
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
      },
    });
    // Errors surface on the `add` that hit them; the emitters must not crash the process meanwhile.
    this.queue.on('error', () => undefined);
    this.client.on('error', () => undefined);
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
    // BullMQ leaves a client it was given open.
    this.client.disconnect();
  }
}
