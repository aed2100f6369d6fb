import type { CursorPage } from './common';
import { z } from 'zod';
import { MetadataSchema } from './common';

/**
 * The Batch API surface (`/v1/batches`): the create request (strict, we are the server), the list query,
 * the batch object and the JSONL line shapes of input, output and error files.
 */

/** Endpoints the spec lists for batches; Voxgate runs `/v1/chat/completions` only (checked by the use case). */
export const BATCH_ENDPOINTS = [
  '/v1/responses',
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/completions',
  '/v1/moderations',
  '/v1/images/generations',
  '/v1/images/edits',
  '/v1/videos',
] as const;

/** `CreateBatchRequest`. */
export const CreateBatchRequestSchema = z.strictObject({
  input_file_id: z.string().min(1),
  endpoint: z.string().min(1),
  completion_window: z.enum(['24h']),
  metadata: MetadataSchema.nullish(),
  /** Expiry of the output and error files, counted from their creation. */
  output_expires_after: z
    .strictObject({
      anchor: z.literal('created_at'),
      seconds: z.int().min(3_600).max(2_592_000),
    })
    .optional(),
});
export type CreateBatchRequest = z.infer<typeof CreateBatchRequestSchema>;

/** Query of `GET /v1/batches`: newest first, 20 per page by default, at most 100. */
export const ListBatchesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().min(1).optional(),
});
export type ListBatchesQuery = z.infer<typeof ListBatchesQuerySchema>;

export const BATCH_STATUSES = [
  'validating',
  'failed',
  'in_progress',
  'finalizing',
  'completed',
  'expired',
  'cancelling',
  'cancelled',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** `BatchError`: a problem of the input file (`line` 1-based) or of the batch as a whole (`line` null). */
export interface BatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** The Batch `usage` shape: the lines' chat `usage` summed. */
export interface BatchUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/**
 * OpenAI's `Batch`. Unset timestamps and file ids are `null`, as OpenAI sends them (the spec's own example
 * does; its types omit the null).
 */
export interface OpenAIBatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  /** The model the lines name (one per file); null until the input is validated. */
  model: string | null;
  errors: { object: 'list'; data: BatchError[] } | null;
  input_file_id: string;
  completion_window: '24h';
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  usage: BatchUsage;
  metadata: Record<string, string> | null;
}

/** `ListBatchesResponse`. */
export type OpenAIBatchList = CursorPage<OpenAIBatchObject>;

/**
 * One line of a batch output or error file. HTTP-level failures (4xx/5xx) keep `error: null` and carry
 * OpenAI's error envelope in `response.body` (openai-openapi#302); `error` is set only for requests that
 * never got an HTTP answer (e.g. `batch_expired`), with `response: null`.
 */
export interface BatchOutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}
