import { z } from 'zod';

/**
 * Limits of one scope (a tenant, or one of its keys). Absent or null means unlimited. Both scopes apply:
 * a request is admitted only if the tenant and the key both have room.
 */
export const QuotaLimitsSchema = z.strictObject({
  requests_per_minute: z.int().min(0).nullish(),
  tokens_per_minute: z.int().min(0).nullish(),
  tokens_per_day: z.int().min(0).nullish(),
  /** Integer micro-USD per calendar month (UTC). */
  spend_per_month_usd_micros: z.int().min(0).nullish(),
  concurrent_streams: z.int().min(0).nullish(),
  audio_seconds_per_day: z.int().min(0).nullish(),
});
export type QuotaLimits = z.infer<typeof QuotaLimitsSchema>;

/** The limit names, in the order the Lua scripts read them from the limits hash. */
export const LIMIT_FIELDS = [
  'requests_per_minute',
  'tokens_per_minute',
  'tokens_per_day',
  'spend_per_month_usd_micros',
  'concurrent_streams',
  'audio_seconds_per_day',
] as const satisfies readonly (keyof QuotaLimits)[];
export type LimitName = (typeof LIMIT_FIELDS)[number];
