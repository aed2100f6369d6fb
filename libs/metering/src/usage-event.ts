import { z } from 'zod';

/** How a metered request ended. */
export const USAGE_STATUSES = ['completed', 'failed', 'cancelled', 'upstream_error', 'refused'] as const;
export type UsageStatus = (typeof USAGE_STATUSES)[number];

/**
 * One billable fact: a request's usage. The JSON form (snake_case) is what exports and the billing API
 * show; the same schema validates events entering from the batch worker.
 */
export const UsageEventSchema = z.strictObject({
  /** Unique per request (the gateway request id, or `batch_req_…`); recording is idempotent on it. */
  id: z.string().min(1).max(200),
  tenant_id: z.string().min(1),
  /** Null for work the gateway does on a tenant's behalf without a key (batch finalisation). */
  key_id: z.string().nullable(),
  /** Dated snapshot id. */
  model: z.string().min(1),
  provider: z.string().min(1),
  /** Unix milliseconds at which the request arrived. */
  created_at_ms: z.int().min(0),
  latency_ms: z.int().min(0),
  status: z.enum(USAGE_STATUSES),
  stream: z.boolean(),
  input_text_tokens: z.int().min(0),
  input_audio_tokens: z.int().min(0),
  /** Part of `input_text_tokens` served from the provider's prompt cache. */
  input_cached_tokens: z.int().min(0),
  output_text_tokens: z.int().min(0),
  output_audio_tokens: z.int().min(0),
  /** Milliseconds of audio the client sent / received (0 until the audio engine measures it). */
  audio_in_ms: z.int().min(0),
  audio_out_ms: z.int().min(0),
  /** Server-side tool calls executed for this request. */
  tool_calls: z.int().min(0),
  /** Characters synthesized by `/v1/audio/speech` (0 elsewhere; absent in events recorded before it existed). */
  input_characters: z.int().min(0).default(0),
  /** Integer micro-USD. */
  cost_micros: z.int().min(0),
  /** True when the provider sent no usage (e.g. the client cancelled a stream) and tokens were estimated. */
  estimated: z.boolean(),
});
export type UsageEvent = z.infer<typeof UsageEventSchema>;

/** Numeric fields summed by the aggregates, in a fixed order (Lua receives them positionally). */
export const USAGE_METRICS = [
  'requests',
  'input_text_tokens',
  'input_audio_tokens',
  'input_cached_tokens',
  'output_text_tokens',
  'output_audio_tokens',
  'audio_in_ms',
  'audio_out_ms',
  'tool_calls',
  'input_characters',
  'cost_micros',
] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export function metricValues(event: UsageEvent): number[] {
  return USAGE_METRICS.map((metric) => (metric === 'requests' ? 1 : event[metric]));
}
