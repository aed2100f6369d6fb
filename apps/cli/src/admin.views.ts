/**
 * The admin API's JSON answers, as far as the CLI's human output reads them (`--json` prints them whole).
 * Written from apps/gateway/src/admin/admin.views.ts, the tool registry's public view and the usage page;
 * the human renderers treat every field as possibly missing, so a gateway that adds or drops a field
 * still prints.
 */

export interface ListView<T> {
  object: 'list';
  data: T[];
}

export interface TenantView {
  object: 'tenant';
  id: string;
  name: string;
  /** Unix seconds. */
  created_at: number;
  /** Browser origins its keys and client secrets may be used from. */
  cors_origins?: string[];
}

export interface ApiKeyView {
  object: 'api_key';
  id: string;
  tenant_id: string;
  name: string;
  scope?: string;
  /** Unix seconds. */
  created_at: number;
  /** `sk-vg-...abcd`. */
  redacted_value: string;
  /** The secret: only in the answer to creating the key. */
  key?: string;
}

export interface DeletedView {
  id?: string;
  name?: string;
  deleted: boolean;
}

/** A tenant's or a key's limits: each a number, or null/absent for unlimited. */
export type QuotaView = { object: 'quota'; tenant_id?: string; key_id?: string } & Partial<
  Record<string, string | number | null>
>;

export interface ToolView {
  name: string;
  description?: string;
  parameters?: unknown;
  effect?: string;
  timeout_ms?: number;
  implementation?: { type?: string; module?: string; operation?: string; url?: string; method?: string };
  /** Unix milliseconds. */
  created_at?: number;
  updated_at?: number;
}

/** One row of `GET /admin/usage` (OpenAI's usage result plus Voxgate's fields). */
export interface UsageResultView {
  model?: string | null;
  api_key_id?: string | null;
  tenant_id?: string | null;
  num_model_requests?: number;
  input_tokens?: number;
  output_tokens?: number;
  input_audio_tokens?: number;
  output_audio_tokens?: number;
  audio_in_ms?: number;
  audio_out_ms?: number;
  tool_calls?: number;
  cost_usd_micros?: number;
}

export interface UsagePageView {
  object: 'page';
  data: { start_time: number; end_time: number; results: UsageResultView[] }[];
  has_more: boolean;
  next_page: string | null;
}
