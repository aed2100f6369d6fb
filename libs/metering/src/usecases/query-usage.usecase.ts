import { Errors } from '@voxgate/openai-wire';
import type { HourlyAggregate, UsageRepository } from '../repositories/usage.repository';
import { USAGE_METRICS, type UsageMetric } from '../usage-event';
import type { UsageQueryInput } from './usage-query.inputs';

const WIDTH_SECONDS = { '1h': 3_600, '1d': 86_400 } as const;
const DEFAULT_BUCKETS = { '1h': 24, '1d': 7 } as const;

/** One result row, OpenAI's `UsageCompletionsResult` plus Voxgate's additive fields. */
export interface UsageResult {
  object: 'organization.usage.completions.result';
  input_tokens: number;
  output_tokens: number;
  /** Uncached text input. */
  input_text_tokens: number;
  input_cached_tokens: number;
  input_cached_text_tokens: number;
  input_uncached_tokens: number;
  input_audio_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
  num_model_requests: number;
  project_id: null;
  user_id: null;
  api_key_id: string | null;
  model: string | null;
  batch: null;
  /** Extensions. */
  tenant_id: string | null;
  cost_usd_micros: number;
  audio_in_ms: number;
  audio_out_ms: number;
  tool_calls: number;
  /** Characters synthesized (`/v1/audio/speech`). */
  input_characters: number;
}

/** OpenAI's `UsageResponse`. */
export interface UsagePage {
  object: 'page';
  data: { object: 'bucket'; start_time: number; end_time: number; results: UsageResult[] }[];
  has_more: boolean;
  next_page: string | null;
}

/**
 * Usage in time buckets, grouped and filtered like OpenAI's usage API, read from the hourly aggregates
 * the recorder maintains atomically with each event, so every total equals the sum of its events.
 * `tenantIds` is decided by the caller: a tenant's own id, or the tenants an admin may see.
 */
export class QueryUsage {
  constructor(private readonly usage: UsageRepository) {}

  async execute(tenantIds: readonly string[], input: UsageQueryInput, nowSeconds: number): Promise<UsagePage> {
    const width = WIDTH_SECONDS[input.bucket_width];
    const end = input.end_time ?? nowSeconds;
    if (end <= input.start_time) throw Errors.invalidRequest("'end_time' must be after 'start_time'.", 'end_time');
    const first = Math.floor((input.page ? Number(input.page) : input.start_time) / width) * width;
    if (first < Math.floor(input.start_time / width) * width || first >= end) {
      throw Errors.invalidRequest('Invalid page cursor.', 'page');
    }
    const limit = input.limit ?? DEFAULT_BUCKETS[input.bucket_width];
    const starts: number[] = [];
    for (let start = first; start < end && starts.length < limit; start += width) starts.push(start);
    const pageEnd = Math.min(end, (starts.at(-1) ?? first) + width);

    const rows = (
      await Promise.all(
        tenantIds.map(async (tenantId) =>
          (await this.usage.hourly(tenantId, first * 1000, pageEnd * 1000)).map((row) => ({ ...row, tenantId })),
        ),
      )
    ).flat();

    const data = starts.map((start) => ({
      object: 'bucket' as const,
      start_time: start,
      end_time: start + width,
      results: groupRows(
        rows.filter(
          (row) => row.hourStartMs >= start * 1000 && row.hourStartMs < (start + width) * 1000 && matches(row, input),
        ),
        input.group_by,
      ),
    }));
    const next = (starts.at(-1) ?? first) + width;
    return { object: 'page', data, has_more: next < end, next_page: next < end ? String(next) : null };
  }
}

type Row = HourlyAggregate & { tenantId: string };

function matches(row: Row, input: UsageQueryInput): boolean {
  if (input.models?.length && !input.models.includes(row.model)) return false;
  if (input.api_key_ids?.length && !input.api_key_ids.includes(row.keyId)) return false;
  return true;
}

function groupRows(rows: Row[], groupBy: readonly string[]): UsageResult[] {
  const groups = new Map<string, { row: Row; sums: Record<UsageMetric, number> }>();
  for (const row of rows) {
    const key = [
      groupBy.includes('model') ? row.model : '',
      groupBy.includes('api_key_id') ? row.keyId : '',
      groupBy.includes('tenant_id') ? row.tenantId : '',
    ].join('\t');
    let group = groups.get(key);
    if (!group) {
      group = {
        row,
        sums: Object.fromEntries(USAGE_METRICS.map((metric) => [metric, 0])) as Record<UsageMetric, number>,
      };
      groups.set(key, group);
    }
    for (const metric of USAGE_METRICS) group.sums[metric] += row.metrics[metric];
  }
  return [...groups.values()]
    .filter(({ sums }) => sums.requests > 0)
    .map(({ row, sums }) => ({
      object: 'organization.usage.completions.result',
      input_tokens: sums.input_text_tokens + sums.input_audio_tokens,
      output_tokens: sums.output_text_tokens + sums.output_audio_tokens,
      // OpenAI's meaning: uncached text; text + cached + audio = input_tokens.
      input_text_tokens: sums.input_text_tokens - sums.input_cached_tokens,
      input_cached_tokens: sums.input_cached_tokens,
      input_cached_text_tokens: sums.input_cached_tokens,
      input_uncached_tokens: sums.input_text_tokens + sums.input_audio_tokens - sums.input_cached_tokens,
      input_audio_tokens: sums.input_audio_tokens,
      output_text_tokens: sums.output_text_tokens,
      output_audio_tokens: sums.output_audio_tokens,
      num_model_requests: sums.requests,
      project_id: null,
      user_id: null,
      api_key_id: groupBy.includes('api_key_id') ? (row.keyId === '-' ? null : row.keyId) : null,
      model: groupBy.includes('model') ? row.model : null,
      batch: null,
      tenant_id: groupBy.includes('tenant_id') ? row.tenantId : null,
      cost_usd_micros: sums.cost_micros,
      audio_in_ms: sums.audio_in_ms,
      audio_out_ms: sums.audio_out_ms,
      tool_calls: sums.tool_calls,
      input_characters: sums.input_characters,
    }));
}
