import type { QueryParams } from '../admin.client';
import type { UsagePageView, UsageResultView } from '../admin.views';
import type { Cell } from '../output.format';
import type { Command, CommandGroup, CommandInput, OptionSpec } from '../command';
import { formatTable, isoFromSeconds, usdFromMicros } from '../output.format';
import { parseTimeInput } from '../time-input';

const GROUPS = ['model', 'api_key_id', 'tenant_id'] as const;

const periodOptions: Record<string, OptionSpec> = {
  start: {
    type: 'string',
    value: 'time',
    description: 'from (inclusive): unix seconds, 2025-06-01, 2025-06-01T12:00Z, or 90m / 24h / 7d ago',
  },
  end: { type: 'string', value: 'time', description: 'until (exclusive), same forms (default: now)' },
  tenant: { type: 'string', value: 'tenant-id', multiple: true, description: 'only this tenant' },
};

/** Bucket widths in seconds, and how many buckets the default period (and the gateway's default page) holds. */
const BUCKETS = { '1h': { seconds: 3_600, count: 24 }, '1d': { seconds: 86_400, count: 7 } } as const;

/**
 * `start_time`/`end_time` in unix seconds from `--start`/`--end`. Without `--start`: the start of the bucket
 * that began `count - 1` buckets before the current one, so the default period is exactly one page (today
 * and the 6 days before it, or this hour and the 23 before it).
 */
function period(input: CommandInput, bucketWidth: keyof typeof BUCKETS): { start_time: number; end_time?: number } {
  const now = Math.floor(Date.now() / 1000);
  const read = (name: string): number | undefined => {
    const text = input.string(name);
    if (text === undefined) return undefined;
    const seconds = parseTimeInput(text, now);
    if (seconds === undefined)
      throw input.usageError(`--${name} '${text}' is not a time (unix seconds, ISO date, 24h, 7d)`);
    return seconds;
  };
  const { seconds, count } = BUCKETS[bucketWidth];
  const start = read('start') ?? Math.floor(now / seconds) * seconds - (count - 1) * seconds;
  const end = read('end');
  return end === undefined ? { start_time: start } : { start_time: start, end_time: end };
}

function bucketWidthOf(input: CommandInput): keyof typeof BUCKETS {
  const width = input.string('bucket') ?? '1d';
  if (width !== '1h' && width !== '1d') throw input.usageError(`--bucket must be 1h or 1d, not '${width}'`);
  return width;
}

function commaList(input: CommandInput, name: string): string[] {
  return input.strings(name).flatMap((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
}

/** One row per result of each bucket: the bucket start, the grouping columns asked for, then the totals. */
export function usageTable(page: UsagePageView, groupBy: readonly string[], bucketWidth: string): string {
  const groups = GROUPS.filter((group) => groupBy.includes(group));
  const start = (seconds: number) =>
    bucketWidth === '1d' ? isoFromSeconds(seconds)?.slice(0, 10) : isoFromSeconds(seconds);
  const seconds = (millis: number | undefined) => (millis === undefined ? undefined : (millis / 1000).toFixed(1));
  const rows = page.data.flatMap((bucket) =>
    bucket.results.map((result: UsageResultView): Cell[] => [
      start(bucket.start_time),
      ...groups.map((group) => result[group]),
      result.num_model_requests,
      result.input_tokens,
      result.output_tokens,
      seconds(result.audio_in_ms),
      seconds(result.audio_out_ms),
      result.tool_calls,
      usdFromMicros(result.cost_usd_micros),
    ]),
  );
  if (rows.length === 0) return 'No usage in this period.\n';
  return formatTable(
    [
      'start',
      ...groups,
      'requests',
      'input tokens',
      'output tokens',
      'audio in s',
      'audio out s',
      'tool calls',
      'cost usd',
    ],
    rows,
  );
}

const show: Command = {
  name: 'show',
  summary: 'usage totals in hourly or daily buckets',
  args: [],
  options: {
    ...periodOptions,
    bucket: {
      type: 'string',
      value: '1h|1d',
      description: 'bucket width (default 1d: the last 7 days; 1h: the last 24 hours)',
    },
    'group-by': { type: 'string', value: 'fields', description: 'comma-separated: model, api_key_id, tenant_id' },
    model: { type: 'string', value: 'model', multiple: true, description: 'only this model' },
    'api-key': { type: 'string', value: 'key-id', multiple: true, description: 'only this key id (key_…)' },
    limit: { type: 'string', value: 'n', description: 'buckets per page (default 7 daily or 24 hourly)' },
    page: { type: 'string', value: 'cursor', description: 'the next page, as printed after a page with more' },
  },
  help: [
    'Usage of every tenant, or those given with --tenant (GET /admin/usage): requests, tokens, audio seconds, ' +
      'server tool calls and cost per bucket, grouped as asked. Buckets with no usage print no row.',
    'Example: voxgate usage show --start 2025-06-01 --group-by tenant_id,model',
  ],
  async run(input, { client, output }) {
    const groupBy = commaList(input, 'group-by');
    const unknown = groupBy.find((group) => !(GROUPS as readonly string[]).includes(group));
    if (unknown !== undefined) throw input.usageError(`--group-by '${unknown}' is not one of ${GROUPS.join(', ')}`);
    const bucketWidth = bucketWidthOf(input);
    const query: QueryParams = {
      ...period(input, bucketWidth),
      bucket_width: bucketWidth,
      group_by: groupBy.length > 0 ? groupBy : undefined,
      tenant_ids: optionalList(commaList(input, 'tenant')),
      models: optionalList(commaList(input, 'model')),
      api_key_ids: optionalList(commaList(input, 'api-key')),
      limit: input.string('limit'),
      page: input.string('page'),
    };
    const body = (await client.call('GET', '/admin/usage', { query })) as UsagePageView;
    await output.result(body, () => usageTable(body, groupBy, bucketWidth));
    if (body.has_more && body.next_page !== null) await output.note(`More buckets: add --page ${body.next_page}`);
  },
};

const events: Command = {
  name: 'events',
  summary: 'raw usage events as JSON lines or CSV',
  args: [],
  options: {
    ...periodOptions,
    format: { type: 'string', value: 'jsonl|csv', description: 'output format (default jsonl)' },
  },
  help: [
    'Every usage event of the period, one per request, streamed to stdout as the gateway sends it ' +
      '(GET /admin/usage/events): JSON lines, or CSV with --format csv. Without --start: the last 7 days. ' +
      '--json changes nothing here.',
    'Example: voxgate usage events --start 2025-06-01 --end 2025-07-01 --format csv > june.csv',
  ],
  async run(input, { client, output }) {
    const query: QueryParams = {
      ...period(input, '1d'),
      format: input.string('format'),
      tenant_ids: optionalList(commaList(input, 'tenant')),
    };
    for await (const chunk of await client.download('/admin/usage/events', query)) await output.raw(chunk);
  },
};

function optionalList(values: string[]): string[] | undefined {
  return values.length > 0 ? values : undefined;
}

export const usageCommands: CommandGroup = {
  name: 'usage',
  summary: 'read metered usage of every tenant',
  commands: [show, events],
};
