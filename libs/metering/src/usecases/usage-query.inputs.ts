import { z } from 'zod';

const ids = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean));

/**
 * Query string of `GET /v1/usage` and `GET /admin/usage`, modelled on OpenAI's usage API: unix-second
 * range, `bucket_width`, repeated or comma-separated filters and `group_by`, and a `page` cursor.
 */
export const UsageQueryInputSchema = z.strictObject({
  start_time: z.coerce.number().int().min(0),
  end_time: z.coerce.number().int().min(0).optional(),
  bucket_width: z.enum(['1h', '1d']).default('1d'),
  group_by: ids.pipe(z.array(z.enum(['model', 'api_key_id', 'tenant_id']))).default([]),
  models: ids.optional(),
  api_key_ids: ids.optional(),
  /** Admin only; a tenant's own query is always scoped to itself. */
  tenant_ids: ids.optional(),
  /** Buckets per page. */
  limit: z.coerce.number().int().min(1).max(744).optional(),
  page: z.string().regex(/^\d+$/, 'must be a cursor returned as next_page').optional(),
});
export type UsageQueryInput = z.infer<typeof UsageQueryInputSchema>;

/** Query string of the raw event export. An `end_time` not after `start_time` is a 400, as for `/v1/usage`. */
export const UsageExportInputSchema = z
  .strictObject({
    start_time: z.coerce.number().int().min(0),
    end_time: z.coerce.number().int().min(0).optional(),
    format: z.enum(['jsonl', 'csv']).default('jsonl'),
    tenant_ids: ids.optional(),
  })
  .refine((input) => input.end_time === undefined || input.end_time > input.start_time, {
    message: "'end_time' must be after 'start_time'",
    path: ['end_time'],
  });
export type UsageExportInput = z.infer<typeof UsageExportInputSchema>;
