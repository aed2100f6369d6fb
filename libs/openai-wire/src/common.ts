import { z } from 'zod';

/** `Metadata`: at most 16 string pairs, keys ≤ 64 chars, values ≤ 512 chars (OpenAPI `Metadata`). */
export const MetadataSchema = z
  .record(z.string().max(64), z.string().max(512))
  .refine((value) => Object.keys(value).length <= 16, { message: 'metadata can hold at most 16 pairs' });

/** OpenAI's `PromptCacheBreakpointParam`, allowed on content parts. */
export const PromptCacheBreakpointSchema = z.strictObject({ mode: z.literal('explicit') });

/**
 * OpenAI's cursor-paged list (`ListBatchesResponse`, `ListFilesResponse`): `first_id`/`last_id` are null on
 * an empty page (as OpenAI sends them); the next page is asked with `after=<last_id>`.
 */
export interface CursorPage<T extends { id: string }> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}
