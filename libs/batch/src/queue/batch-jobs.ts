import { z } from 'zod';

/** The BullMQ queue every batch job goes through (under the gateway's BullMQ prefix). */
export const BATCH_QUEUE = 'batches';

/**
 * `process-batch`: validate a batch's input file, run its lines and write its output files. One job per
 * batch, with the batch id as job id (so enqueueing twice is a no-op). Running it again at any point is
 * safe: it resumes from the lines already recorded.
 */
export const ProcessBatchJobSchema = z.strictObject({
  tenantId: z.string().min(1),
  batchId: z.string().regex(/^batch_[A-Za-z0-9]+$/),
});
export type ProcessBatchJob = z.infer<typeof ProcessBatchJobSchema>;

/** Every job of the batch queue, by name (one so far). */
export type BatchJobItem = { name: 'process-batch'; data: ProcessBatchJob };

/** Where use cases put jobs; implemented over BullMQ by `BatchJobQueue`. */
export interface BatchJobScheduler {
  enqueue(job: BatchJobItem): Promise<void>;
}
