import type { UsagePage, UsageResult } from '@voxgate/metering';
import type { DeleteSession, GetSession } from '@voxgate/sessions';
import { z } from 'zod';
import type { Assert, Describes, NamedSchema } from './documented';

const count = z.int().min(0);

export const UsageResultSchema = z.object({
  object: z.literal('organization.usage.completions.result'),
  input_tokens: count,
  output_tokens: count,
  input_text_tokens: count.describe('Uncached text input.'),
  input_cached_tokens: count,
  input_cached_text_tokens: count,
  input_uncached_tokens: count,
  input_audio_tokens: count,
  output_text_tokens: count,
  output_audio_tokens: count,
  num_model_requests: count,
  project_id: z.null(),
  user_id: z.null(),
  api_key_id: z.string().nullable().describe('Set when grouped by `api_key_id`.'),
  model: z.string().nullable().describe('Set when grouped by `model`.'),
  batch: z.null(),
  tenant_id: z.string().nullable().describe('Extension; set when grouped by `tenant_id` (admin only).'),
  cost_usd_micros: count.describe('Extension: cost in integer micro-USD, from the configured pricing.'),
  audio_in_ms: count.describe('Extension.'),
  audio_out_ms: count.describe('Extension.'),
  tool_calls: count.describe('Extension: server tool calls executed (replays not counted).'),
  input_characters: count.describe('Extension: characters synthesized by `/v1/audio/speech`.'),
});
type _ResultChecked = Assert<Describes<typeof UsageResultSchema, UsageResult>>;

export const UsagePageSchema = z.object({
  object: z.literal('page'),
  data: z.array(
    z.object({
      object: z.literal('bucket'),
      start_time: z.int(),
      end_time: z.int(),
      results: z.array(UsageResultSchema),
    }),
  ),
  has_more: z.boolean(),
  next_page: z.string().nullable().describe('Pass as `page` to read the next buckets.'),
});
type _PageChecked = Assert<Describes<typeof UsagePageSchema, UsagePage>>;

/** A stored message: OpenAI's message, with input audio as `input_audio_ref` parts unless `include_audio=true`. */
const StoredMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
});

export const SessionSchema = z.object({
  object: z.literal('session'),
  id: z.string(),
  created_at: z.int().describe('Unix seconds.'),
  updated_at: z.int().describe('Unix seconds.'),
  expires_at: z.int().describe('Unix seconds; reading the session refreshed its TTL.'),
  turns: z.array(
    z.object({
      seq: z.int(),
      created_at: z.int(),
      request_id: z.string(),
      messages: z.array(StoredMessageSchema),
    }),
  ),
});
type _SessionChecked = Assert<Describes<typeof SessionSchema, Awaited<ReturnType<GetSession['execute']>>>>;

const SessionDeletedSchema = z.object({
  object: z.literal('session.deleted'),
  id: z.string(),
  deleted: z.literal(true),
});
type _DeletedChecked = Assert<Describes<typeof SessionDeletedSchema, Awaited<ReturnType<DeleteSession['execute']>>>>;

export const USAGE_SESSIONS_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'UsageResponse',
    schema: UsagePageSchema,
    description: "OpenAI's usage `page` of time buckets, with Voxgate's cost, audio and tool extensions.",
  },
  { id: 'UsageResult', schema: UsageResultSchema },
  { id: 'Session', schema: SessionSchema },
  { id: 'SessionDeleted', schema: SessionDeletedSchema },
];
