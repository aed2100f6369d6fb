import type { CursorPage } from './common';
import { z } from 'zod';

/**
 * The Files API surface (`/v1/files`) as Voxgate serves it. Files exist for the Batch API: clients upload
 * `batch` inputs; the gateway writes `batch_output` files (a batch's output and error files).
 */

/** Purposes the spec accepts on upload (`CreateFileRequest.purpose`); Voxgate stores only `batch` ones. */
export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

/** Purposes a stored file can have. */
export type StoredFilePurpose = 'batch' | 'batch_output';

/** OpenAI's `OpenAIFile`. `status` is deprecated but required by the spec: always `processed`. */
export interface OpenAIFileObject {
  id: string;
  object: 'file';
  /** Size of the content, in bytes. */
  bytes: number;
  /** Unix seconds. */
  created_at: number;
  /** Unix seconds; absent for files that never expire. */
  expires_at?: number;
  filename: string;
  purpose: StoredFilePurpose;
  status: 'processed';
}

/** `ListFilesResponse`. */
export type OpenAIFileList = CursorPage<OpenAIFileObject>;

/** `DeleteFileResponse`. */
export interface OpenAIFileDeleted {
  id: string;
  object: 'file';
  deleted: true;
}

/** Query of `GET /v1/files`, with the spec's defaults (newest first, up to 10,000). */
export const ListFilesQuerySchema = z.strictObject({
  purpose: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().min(1).optional(),
});
export type ListFilesQuery = z.infer<typeof ListFilesQuerySchema>;

/**
 * The form fields of `POST /v1/files` besides the file part. openai-node sends `expires_after` as bracket
 * keys (`expires_after[anchor]`, `expires_after[seconds]`), which the upload folds into this shape.
 */
export const UploadFileFieldsSchema = z.strictObject({
  purpose: z.enum(UPLOAD_PURPOSES),
  expires_after: z
    .strictObject({
      anchor: z.literal('created_at'),
      seconds: z.coerce.number().int().min(3_600).max(2_592_000),
    })
    .optional(),
});
export type UploadFileFields = z.infer<typeof UploadFileFieldsSchema>;
