import { GatewayError } from '@voxgate/openai-wire';
import { OpenApiValidator, useTestRedis } from '@voxgate/testing';
import {
  DAY_START_MS,
  groupBy,
  HOUR_MS,
  randomEvents,
  sumEvents,
  usageEvent,
} from '../__fixtures__/usage-event.factory';
import { UsageRepository } from '../repositories/usage.repository';
import type { UsageEvent } from '../usage-event';
import { QueryUsage, type UsagePage, type UsageResult } from './query-usage.usecase';
import { UsageQueryInputSchema } from './usage-query.inputs';

const DAY_START = DAY_START_MS / 1000;
const HOUR = 3_600;
const DAY = 86_400;
const NOW = DAY_START + 10 * DAY;

// Three days of traffic from 05:00 on day 0, two tenants, three models, three keys and keyless batch work.
const EVENTS = randomEvents({
  count: 240,
  seed: 2030,
  fromMs: DAY_START_MS + 5 * HOUR_MS,
  spanMs: 3 * 86_400_000 - 5 * HOUR_MS,
  tenants: ['ten_1', 'ten_2'],
  models: ['gpt-4o-audio-preview-2025-06-03', 'gpt-4o-mini-2024-07-18', 'llama-3.3-70b'],
  keys: ['key_a', 'key_b', 'key_c', null],
});

/** The fields of a result whose meaning is not in question, computed from events. */
function totalsOf(events: readonly UsageEvent[]) {
  const sums = sumEvents(events);
  return {
    num_model_requests: sums.requests,
    input_tokens: sums.input_text_tokens + sums.input_audio_tokens,
    output_tokens: sums.output_text_tokens + sums.output_audio_tokens,
    input_cached_tokens: sums.input_cached_tokens,
    input_audio_tokens: sums.input_audio_tokens,
    output_text_tokens: sums.output_text_tokens,
    output_audio_tokens: sums.output_audio_tokens,
    cost_usd_micros: sums.cost_micros,
    audio_in_ms: sums.audio_in_ms,
    audio_out_ms: sums.audio_out_ms,
    tool_calls: sums.tool_calls,
    input_characters: sums.input_characters,
  };
}

function totalsOfResult(result: UsageResult): ReturnType<typeof totalsOf> {
  return {
    num_model_requests: result.num_model_requests,
    input_tokens: result.input_tokens,
    output_tokens: result.output_tokens,
    input_cached_tokens: result.input_cached_tokens,
    input_audio_tokens: result.input_audio_tokens,
    output_text_tokens: result.output_text_tokens,
    output_audio_tokens: result.output_audio_tokens,
    cost_usd_micros: result.cost_usd_micros,
    audio_in_ms: result.audio_in_ms,
    audio_out_ms: result.audio_out_ms,
    tool_calls: result.tool_calls,
    input_characters: result.input_characters,
  };
}

const validator = new OpenApiValidator();

describe('QueryUsage (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build(events: readonly UsageEvent[] = EVENTS) {
    const repository = new UsageRepository(testRedis().redis, 30 * 86_400_000);
    await Promise.all(events.map((event) => repository.recordOnce(event)));
    const query = new QueryUsage(repository);
    return {
      query: (tenantIds: readonly string[], input: Record<string, unknown>) =>
        query.execute(tenantIds, UsageQueryInputSchema.parse(input), NOW),
    };
  }

  /** Follows next_page to the end, validating every page against OpenAI's schema. */
  async function allPages(
    query: (tenantIds: readonly string[], input: Record<string, unknown>) => Promise<UsagePage>,
    tenantIds: readonly string[],
    input: Record<string, unknown>,
  ): Promise<UsagePage[]> {
    const pages: UsagePage[] = [];
    let page: string | undefined;
    do {
      const result = await query(tenantIds, page === undefined ? input : { ...input, page });
      validator.assertValid('UsageResponse', result);
      pages.push(result);
      page = result.next_page ?? undefined;
      expect(result.has_more).toBe(result.next_page !== null);
    } while (page !== undefined && pages.length < 100);
    return pages;
  }

  it('1h buckets grouped by model and key: aligned, contiguous, paged, each equal to the sum of its events', async () => {
    const { query } = await build();
    const start = DAY_START + 4 * HOUR + 1_800; // 04:30 → the first bucket is 04:00
    const end = DAY_START + 34 * HOUR;
    const pages = await allPages(query, ['ten_1'], {
      start_time: String(start),
      end_time: String(end),
      bucket_width: '1h',
      group_by: 'model,api_key_id',
      limit: '7',
    });
    expect(pages.map((page) => page.data.length)).toEqual([7, 7, 7, 7, 2]);
    const buckets = pages.flatMap((page) => page.data);
    expect(buckets.map((bucket) => bucket.start_time)).toEqual(
      Array.from({ length: 30 }, (_, index) => DAY_START + (4 + index) * HOUR),
    );
    expect(buckets.every((bucket) => bucket.end_time === bucket.start_time + HOUR)).toBe(true);
    expect(pages.at(-1)).toMatchObject({ has_more: false, next_page: null });

    const tenantEvents = EVENTS.filter((event) => event.tenant_id === 'ten_1');
    for (const bucket of buckets) {
      const inBucket = tenantEvents.filter(
        (event) => event.created_at_ms >= bucket.start_time * 1000 && event.created_at_ms < bucket.end_time * 1000,
      );
      const expected = new Map(
        [...groupBy(inBucket, (event) => `${event.model}|${event.key_id}`)].map(([key, group]) => [
          key,
          totalsOf(group),
        ]),
      );
      const actual = new Map(
        bucket.results.map((result) => [`${result.model}|${result.api_key_id}`, totalsOfResult(result)]),
      );
      expect(actual).toEqual(expected);
      for (const result of bucket.results) {
        expect(result).toMatchObject({
          object: 'organization.usage.completions.result',
          project_id: null,
          user_id: null,
          batch: null,
          tenant_id: null,
        });
      }
    }
  });

  it('1d buckets start at UTC midnight and the totals across tenants reconcile with the events', async () => {
    const { query } = await build();
    const [page] = await allPages(query, ['ten_1', 'ten_2'], {
      start_time: String(DAY_START + 12 * HOUR),
      end_time: String(DAY_START + 3 * DAY),
      group_by: ['tenant_id'],
    });
    expect(page!.data.map((bucket) => [bucket.start_time, bucket.end_time])).toEqual([
      [DAY_START, DAY_START + DAY],
      [DAY_START + DAY, DAY_START + 2 * DAY],
      [DAY_START + 2 * DAY, DAY_START + 3 * DAY],
    ]);
    expect(page).toMatchObject({ has_more: false, next_page: null });
    for (const bucket of page!.data) {
      const inBucket = EVENTS.filter(
        (event) => event.created_at_ms >= bucket.start_time * 1000 && event.created_at_ms < bucket.end_time * 1000,
      );
      const expected = new Map(
        [...groupBy(inBucket, (event) => event.tenant_id)].map(([tenant, group]) => [tenant, totalsOf(group)]),
      );
      expect(new Map(bucket.results.map((result) => [result.tenant_id, totalsOfResult(result)]))).toEqual(expected);
      expect(bucket.results.every((result) => result.model === null && result.api_key_id === null)).toBe(true);
    }
    const grandTotal = page!.data
      .flatMap((bucket) => bucket.results)
      .reduce((sum, result) => sum + result.cost_usd_micros, 0);
    expect(grandTotal).toBe(sumEvents(EVENTS).cost_micros);
  });

  it('defaults to 7 daily buckets per page and pages on with next_page', async () => {
    const { query } = await build();
    const pages = await allPages(query, ['ten_1'], {
      start_time: String(DAY_START),
      end_time: String(DAY_START + 10 * DAY),
    });
    expect(pages.map((page) => page.data.length)).toEqual([7, 3]);
    expect(pages[0]).toMatchObject({ has_more: true, next_page: String(DAY_START + 7 * DAY) });
    // Without end_time the range ends now.
    const open = await query(['ten_1'], { start_time: String(NOW - 2 * DAY) });
    expect(open.data.map((bucket) => bucket.start_time)).toEqual([NOW - 2 * DAY, NOW - DAY]);
  });

  it('without group_by, one result per non-empty bucket with every group field null', async () => {
    const { query } = await build();
    const page = await query(['ten_1'], {
      start_time: String(DAY_START),
      end_time: String(DAY_START + 8 * HOUR),
      bucket_width: '1h',
    });
    validator.assertValid('UsageResponse', page);
    // The validator does look inside the results.
    const broken = structuredClone(page);
    const nonEmpty = broken.data.find((bucket) => bucket.results.length > 0)!;
    Object.assign(nonEmpty.results[0]!, { input_tokens: 'many' });
    expect(validator.validate('UsageResponse', broken).valid).toBe(false);
    expect(page.data).toHaveLength(8);
    for (const bucket of page.data.slice(0, 5)) expect(bucket.results).toEqual([]);
    for (const bucket of page.data.slice(5)) {
      const inBucket = EVENTS.filter(
        (event) =>
          event.tenant_id === 'ten_1' &&
          event.created_at_ms >= bucket.start_time * 1000 &&
          event.created_at_ms < bucket.end_time * 1000,
      );
      expect(bucket.results.map(totalsOfResult)).toEqual(inBucket.length ? [totalsOf(inBucket)] : []);
      for (const result of bucket.results) {
        expect(result).toMatchObject({ model: null, api_key_id: null, tenant_id: null });
      }
    }
    expect(page.data.slice(5).some((bucket) => bucket.results.length === 1)).toBe(true);
  });

  it('filters by models and api_key_ids; keyless usage groups under api_key_id null', async () => {
    const { query } = await build();
    const range = { start_time: String(DAY_START), end_time: String(DAY_START + 3 * DAY) };
    const filtered = await query(['ten_1'], {
      ...range,
      models: 'gpt-4o-mini-2024-07-18,llama-3.3-70b',
      api_key_ids: ['key_a', 'key_b'],
    });
    validator.assertValid('UsageResponse', filtered);
    for (const bucket of filtered.data) {
      const inBucket = EVENTS.filter(
        (event) =>
          event.tenant_id === 'ten_1' &&
          event.model !== 'gpt-4o-audio-preview-2025-06-03' &&
          (event.key_id === 'key_a' || event.key_id === 'key_b') &&
          event.created_at_ms >= bucket.start_time * 1000 &&
          event.created_at_ms < bucket.end_time * 1000,
      );
      expect(bucket.results.map(totalsOfResult)).toEqual(inBucket.length ? [totalsOf(inBucket)] : []);
    }
    const keyless = await query(['ten_1'], { ...range, group_by: 'api_key_id' });
    const keys = new Set(keyless.data.flatMap((bucket) => bucket.results.map((result) => result.api_key_id)));
    expect(keys).toEqual(new Set(['key_a', 'key_b', 'key_c', null]));
    const nothing = await query(['ten_1'], { ...range, models: 'no-such-model' });
    expect(nothing.data.every((bucket) => bucket.results.length === 0)).toBe(true);
  });

  it('rejects an end before the start and a page outside the range with 400s', async () => {
    const { query } = await build([]);
    const attempts: [Promise<UsagePage>, string][] = [
      [query(['ten_1'], { start_time: String(DAY_START), end_time: String(DAY_START) }), 'end_time'],
      [query(['ten_1'], { start_time: String(DAY_START + DAY), end_time: String(DAY_START) }), 'end_time'],
      [
        query(['ten_1'], {
          start_time: String(DAY_START + DAY),
          end_time: String(DAY_START + 3 * DAY),
          page: String(DAY_START),
        }),
        'page',
      ],
      [
        query(['ten_1'], {
          start_time: String(DAY_START),
          end_time: String(DAY_START + DAY),
          page: String(DAY_START + DAY),
        }),
        'page',
      ],
    ];
    for (const [attempt, param] of attempts) {
      await expect(attempt).rejects.toBeInstanceOf(GatewayError);
      await expect(attempt).rejects.toMatchObject({ status: 400, type: 'invalid_request_error', param });
    }
  });

  it("input_text_tokens means uncached text, as in OpenAI's UsageCompletionsResult", async () => {
    // 1000 text tokens of which 400 cached, 100 audio: input_tokens 1100 = 600 uncached text + 400 cached + 100 audio.
    const { query } = await build([
      usageEvent({ id: 'req_1', input_text_tokens: 1_000, input_cached_tokens: 400, input_audio_tokens: 100 }),
    ]);
    const page = await query(['ten_1'], {
      start_time: String(DAY_START),
      end_time: String(DAY_START + HOUR),
      bucket_width: '1h',
    });
    const [result] = page.data[0]!.results;
    expect(result).toMatchObject({ input_tokens: 1_100, input_cached_tokens: 400, input_audio_tokens: 100 });
    expect(result!.input_text_tokens).toBe(600);
  });
});
