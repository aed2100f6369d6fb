/**
 * Limits and timings of the Batch API, from the `batch` section of the gateway config. The lib takes them
 * as plain values so the use cases never read config themselves.
 */
export interface BatchSettings {
  /** Largest input file accepted on upload, in bytes (stored in Redis, so far below OpenAI's 200 MB). */
  readonly maxFileBytes: number;
  /** Most request lines one input file may hold (OpenAI: 50,000); more is `too_many_tasks`. */
  readonly maxLines: number;
  /** Lifetime of an uploaded `batch` file, from its upload (OpenAI: 30 days). */
  readonly inputFileTtlSeconds: number;
  /** Lifetime of output and error files when the batch named no `output_expires_after`. */
  readonly outputFileTtlSeconds: number;
  /** How long a finished batch (and its object in `GET /v1/batches`) is kept after it ends. */
  readonly retentionSeconds: number;
  /** Lines of one batch run at the same time (lines of one session never overlap). */
  readonly lineConcurrency: number;
  /** Longest single wait on a 429's `retry-after` before the line is tried again. */
  readonly rateLimitMaxWaitMs: number;
  /** Retries of a line answered with a 5xx before its error is recorded. */
  readonly serverErrorRetries: number;
  /** First backoff of those retries; doubled each time. */
  readonly serverErrorBackoffMs: number;
}

/** Clock, sleep and id source, injected so tests are deterministic and fast. */
export interface BatchEnvironment {
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A random id with the given prefix: `file-…`, `batch_…`, `batch_req_…`, `req_…`. */
  readonly newId: (prefix: 'file-' | 'batch_' | 'batch_req_' | 'req_') => string;
}

/** The completion window every batch has (`24h`, the only value OpenAI accepts). */
export const COMPLETION_WINDOW_SECONDS = 86_400;
