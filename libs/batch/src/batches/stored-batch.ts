import type { BatchError, BatchStatus } from '@voxgate/openai-wire';

/** Timestamps a batch collects on its way, unix seconds; absent until reached. */
export const BATCH_TIMESTAMPS = [
  'in_progress_at',
  'finalizing_at',
  'completed_at',
  'failed_at',
  'expired_at',
  'cancelling_at',
  'cancelled_at',
] as const;
export type BatchTimestamp = (typeof BATCH_TIMESTAMPS)[number];

/** Statuses after which nothing changes any more. */
export const TERMINAL_STATUSES: readonly BatchStatus[] = ['failed', 'completed', 'expired', 'cancelled'];

/** A batch as the repository holds it. */
export interface StoredBatch {
  /** `batch_…`. */
  readonly id: string;
  readonly tenantId: string;
  /** The key that created the batch: its lines run as this key. */
  readonly keyId: string;
  readonly endpoint: string;
  readonly inputFileId: string;
  /** Unix milliseconds. */
  readonly createdMs: number;
  /** Unix seconds: `created_at` + 24 h. */
  readonly expiresAt: number;
  readonly metadata: Record<string, string> | null;
  /** `output_expires_after.seconds`, or null for the configured default. */
  readonly outputTtlSeconds: number | null;
  readonly status: BatchStatus;
  readonly model: string | null;
  readonly errors: BatchError[] | null;
  readonly outputFileId: string | null;
  readonly errorFileId: string | null;
  readonly timestamps: Partial<Record<BatchTimestamp, number>>;
  readonly counts: { total: number; completed: number; failed: number };
  readonly usage: { input: number; cached: number; output: number; reasoning: number; total: number };
}
