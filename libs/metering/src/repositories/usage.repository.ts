import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Errors } from '@voxgate/openai-wire';
import type { Redis } from 'ioredis';
import { metricValues, USAGE_METRICS, type UsageEvent, UsageEventSchema, type UsageMetric } from '../usage-event';

const RECORD_SCRIPT = readFileSync(path.join(__dirname, 'record-usage-event-3.lua'), 'utf8');
const HOUR_MS = 3_600_000;

/**
 * The record script's source (`record-usage-event-3.lua`: 3 KEYS, ARGV as `UsageRepository.recordCall`
 * builds them, returns 1 or 0), for a script that records in the same step as another write (the quota
 * settle: `SettlementRepository`).
 */
export const RECORD_USAGE_LUA: string = RECORD_SCRIPT;

/** A script's KEYS and ARGV, in order. */
export interface UsageScriptCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

/** One aggregate row of an hour: sums of every metric for a (model, key) pair. */
export interface HourlyAggregate {
  readonly hourStartMs: number;
  readonly model: string;
  /** `-` for events without a key. */
  readonly keyId: string;
  readonly metrics: Readonly<Record<UsageMetric, number>>;
}

/** A page of raw events, oldest first. `nextCursor` continues after the last one. */
export interface EventPage {
  readonly events: UsageEvent[];
  readonly nextCursor: string | null;
}

type RecordCommand = (
  eventKey: string,
  indexKey: string,
  hourKey: string,
  ...args: (string | number)[]
) => Promise<number>;

/**
 * Usage events and hourly aggregates, per tenant. All keys of a tenant share the `{t:<tenant>}` hash
 * tag, so the record script stays single-slot on Redis Cluster.
 */
export class UsageRepository {
  private readonly record: RecordCommand;

  constructor(
    private readonly redis: Redis,
    private readonly retentionMs: number,
  ) {
    if (!('recordUsageEvent' in redis))
      redis.defineCommand('recordUsageEvent', { numberOfKeys: 3, lua: RECORD_SCRIPT });
    this.record = (redis as unknown as { recordUsageEvent: RecordCommand }).recordUsageEvent.bind(redis);
  }

  /** Records the event once; a second call with the same id changes nothing and returns false. */
  async recordOnce(event: UsageEvent): Promise<boolean> {
    const { keys, args } = this.recordCall(event);
    const [eventKey = '', indexKey = '', hourKey = ''] = keys;
    return (await this.record(eventKey, indexKey, hourKey, ...args)) === 1;
  }

  /**
   * The KEYS (3, all under `{t:<tenant>}`) and ARGV of the record script for `event`, as `recordOnce`
   * sends them; `RECORD_USAGE_LUA` answers 1 (recorded now) or 0 (this event id already was).
   */
  recordCall(event: UsageEvent): UsageScriptCall {
    const tag = `usage:{t:${event.tenant_id}}`;
    const hour = Math.floor(event.created_at_ms / HOUR_MS) * HOUR_MS;
    const values = metricValues(event);
    // Only the metrics this event moved: the script skips zeros anyway, and most of the 11 are 0 per request.
    const pairs: (string | number)[] = [];
    USAGE_METRICS.forEach((metric, index) => {
      const value = values[index] ?? 0;
      if (value !== 0) pairs.push(metric, value);
    });
    return {
      keys: [`${tag}:event:${event.id}`, `${tag}:events`, `${tag}:hour:${hour}`],
      args: [
        JSON.stringify(event),
        event.created_at_ms,
        event.id,
        this.retentionMs,
        `${event.model}\t${event.key_id ?? '-'}`,
        ...pairs,
      ],
    };
  }

  /** Aggregates of every hour in `[fromMs, toMs)`, hour-aligned. */
  async hourly(tenantId: string, fromMs: number, toMs: number): Promise<HourlyAggregate[]> {
    const hours: number[] = [];
    for (let hour = Math.floor(fromMs / HOUR_MS) * HOUR_MS; hour < toMs; hour += HOUR_MS) hours.push(hour);
    if (hours.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const hour of hours) pipeline.hgetall(`usage:{t:${tenantId}}:hour:${hour}`);
    const results = (await pipeline.exec()) ?? [];
    return hours.flatMap((hour, index) => {
      const [error, hash] = results[index] ?? [null, {}];
      if (error) throw error;
      return rowsOf(hour, hash as Record<string, string>);
    });
  }

  /** Raw events with `fromMs <= created_at_ms < toMs`, oldest first, `limit` per page. */
  async events(
    tenantId: string,
    fromMs: number,
    toMs: number,
    limit: number,
    cursor: string | null,
  ): Promise<EventPage> {
    const tag = `usage:{t:${tenantId}}`;
    const after = cursor === null ? null : decodeCursor(cursor);
    if (cursor !== null && !after) throw Errors.invalidRequest('Invalid page cursor.', 'page');
    // After a cursor, continue by rank: members with equal scores are ordered by id, so this never skips
    // or repeats events that share a millisecond. A cursor whose event was trimmed restarts after its time.
    const rank = after ? await this.redis.zrank(`${tag}:events`, after.id) : null;
    const raw =
      rank !== null
        ? await this.redis.zrange(`${tag}:events`, String(rank + 1), String(rank + limit + 1), 'WITHSCORES')
        : await this.redis.zrangebyscore(
            `${tag}:events`,
            after ? `(${after.score}` : Math.max(0, fromMs),
            `(${toMs}`,
            'WITHSCORES',
            'LIMIT',
            0,
            limit + 1,
          );
    const entries: { id: string; score: number }[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const score = Number(raw[i + 1]);
      if (score >= fromMs && score < toMs) entries.push({ id: raw[i] ?? '', score });
      else if (score >= toMs) break;
    }
    const page = entries.slice(0, limit);
    const hasMore = entries.length > limit;
    const bodies = page.length ? await this.redis.mget(...page.map((entry) => `${tag}:event:${entry.id}`)) : [];
    const events = bodies.flatMap((body) => (body ? [UsageEventSchema.parse(JSON.parse(body))] : []));
    const last = page.at(-1);
    return { events, nextCursor: hasMore && last ? encodeCursor(last.score, last.id) : null };
  }
}

function rowsOf(hourStartMs: number, hash: Record<string, string>): HourlyAggregate[] {
  const groups = new Map<string, { model: string; keyId: string; metrics: Record<UsageMetric, number> }>();
  for (const [field, value] of Object.entries(hash)) {
    const [model = '', keyId = '-', metric = ''] = field.split('\t');
    if (!(USAGE_METRICS as readonly string[]).includes(metric)) continue;
    const id = `${model}\t${keyId}`;
    let group = groups.get(id);
    if (!group) {
      group = {
        model,
        keyId,
        metrics: Object.fromEntries(USAGE_METRICS.map((name) => [name, 0])) as Record<UsageMetric, number>,
      };
      groups.set(id, group);
    }
    group.metrics[metric as UsageMetric] += Number(value);
  }
  return [...groups.values()].map((group) => ({ hourStartMs, ...group }));
}

function encodeCursor(score: number, id: string): string {
  return Buffer.from(JSON.stringify([score, id])).toString('base64url');
}

function decodeCursor(cursor: string): { score: number; id: string } | null {
  try {
    const [score, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    return typeof score === 'number' && typeof id === 'string' ? { score, id } : null;
  } catch {
    return null;
  }
}
