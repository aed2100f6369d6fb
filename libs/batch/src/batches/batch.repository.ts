import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { BatchError, BatchStatus } from '@voxgate/openai-wire';
import { collectPage, exec, indexMember } from '../redis-index';
import { BATCH_TIMESTAMPS, type BatchTimestamp, type StoredBatch } from './stored-batch';

const TRANSITION = readFileSync(path.join(__dirname, 'transition-batch-1.lua'), 'utf8');
const RECORD = readFileSync(path.join(__dirname, 'record-line-result-2.lua'), 'utf8');

type TransitionCommand = (key: string, ...args: (string | number)[]) => Promise<[number, string]>;
type RecordCommand = (results: string, batch: string, ...args: (string | number)[]) => Promise<number>;

/** Token counts of one line, added to the batch's `usage`. */
export interface LineUsage {
  readonly input: number;
  readonly cached: number;
  readonly output: number;
  readonly reasoning: number;
  readonly total: number;
}

/**
 * A tenant's batches and their per-line results. Keys (under the tenant's `{t:<tenant>}` hash tag):
 * - `batch:{t:T}:<id>`          hash: the batch (fields below), counters `completed`/`failed`, `usage_*`
 * - `batch:{t:T}:<id>:results`  hash: line number → its output line (JSON), written once per line
 * - `batches:{t:T}`             lex index of the tenant's batches (see `redis-index.ts`)
 *
 * Status changes go through `transition-batch-1.lua`, so a cancel and a worker never overwrite each
 * other; results through `record-line-result-2.lua`, so a line is counted once however often it ran.
 */
export class BatchRepository {
  private readonly transitionScript: TransitionCommand;
  private readonly recordScript: RecordCommand;

  constructor(private readonly redis: Redis) {
    if (!('transitionBatch' in redis)) redis.defineCommand('transitionBatch', { numberOfKeys: 1, lua: TRANSITION });
    if (!('recordBatchLine' in redis)) redis.defineCommand('recordBatchLine', { numberOfKeys: 2, lua: RECORD });
    const commands = redis as unknown as { transitionBatch: TransitionCommand; recordBatchLine: RecordCommand };
    this.transitionScript = commands.transitionBatch.bind(redis);
    this.recordScript = commands.recordBatchLine.bind(redis);
  }

  /** Stores a new batch; its keys live `ttlMs` at most (extended to the retention when it ends). */
  async create(batch: StoredBatch, ttlMs: number): Promise<void> {
    const keys = this.keys(batch.tenantId, batch.id);
    const multi = this.redis
      .multi()
      .hset(keys.batch, {
        id: batch.id,
        key_id: batch.keyId,
        endpoint: batch.endpoint,
        input_file_id: batch.inputFileId,
        created_ms: batch.createdMs,
        expires_at: batch.expiresAt,
        metadata: JSON.stringify(batch.metadata),
        output_ttl: batch.outputTtlSeconds ?? '',
        status: batch.status,
        total: batch.counts.total,
        completed: 0,
        failed: 0,
      })
      .pexpire(keys.batch, ttlMs)
      .zadd(this.index(batch.tenantId), 0, indexMember(batch.createdMs, batch.id));
    await exec(multi);
  }

  async get(tenantId: string, batchId: string): Promise<StoredBatch | null> {
    return toBatch(tenantId, await this.redis.hgetall(this.keys(tenantId, batchId).batch));
  }

  async status(tenantId: string, batchId: string): Promise<BatchStatus | null> {
    return (await this.redis.hget(this.keys(tenantId, batchId).batch, 'status')) as BatchStatus | null;
  }

  /**
   * Moves the batch from one of `from` to `to`, stamping `timestamp` (unix seconds) and setting `fields`.
   * Returns whether it moved and the status it had.
   */
  async transition(
    tenantId: string,
    batchId: string,
    change: {
      from: readonly BatchStatus[];
      to: BatchStatus;
      timestamp?: { field: BatchTimestamp; at: number };
      fields?: Record<string, string | number>;
    },
  ): Promise<{ moved: boolean; previous: BatchStatus | null }> {
    const extra = Object.entries(change.fields ?? {}).flat();
    const [moved, previous] = await this.transitionScript(
      this.keys(tenantId, batchId).batch,
      change.from.join(','),
      change.to,
      change.timestamp?.field ?? '',
      change.timestamp?.at ?? 0,
      ...extra,
    );
    return { moved: moved === 1, previous: previous === '' ? null : (previous as BatchStatus) };
  }

  /** Keeps a finished batch (and what is left of its results) for `retentionMs` from now. */
  async retain(tenantId: string, batchId: string, retentionMs: number): Promise<void> {
    const keys = this.keys(tenantId, batchId);
    await exec(this.redis.multi().pexpire(keys.batch, retentionMs).del(keys.results));
  }

  /** Records a line's output line once; returns false if the line already had one. */
  async recordLine(
    tenantId: string,
    batchId: string,
    line: { lineNumber: number; json: string; outcome: 'completed' | 'failed'; usage: LineUsage },
  ): Promise<boolean> {
    const keys = this.keys(tenantId, batchId);
    const { usage } = line;
    const recorded = await this.recordScript(
      keys.results,
      keys.batch,
      line.lineNumber,
      line.json,
      line.outcome,
      usage.input,
      usage.cached,
      usage.output,
      usage.reasoning,
      usage.total,
    );
    return recorded === 1;
  }

  /** Line numbers that already have a result. */
  async finishedLines(tenantId: string, batchId: string): Promise<Set<number>> {
    const fields = await this.redis.hkeys(this.keys(tenantId, batchId).results);
    return new Set(fields.map(Number));
  }

  /** The recorded output lines of `lineNumbers`, in that order (null where a line has none). */
  async lineResults(tenantId: string, batchId: string, lineNumbers: readonly number[]): Promise<(string | null)[]> {
    if (lineNumbers.length === 0) return [];
    return this.redis.hmget(this.keys(tenantId, batchId).results, ...lineNumbers.map(String));
  }

  /** Newest first, after the batch `after` (exclusive); null when `after` names no batch. */
  async list(
    tenantId: string,
    options: { limit: number; after: string | null },
  ): Promise<{ items: StoredBatch[]; hasMore: boolean } | null> {
    let cursor: string | null = null;
    if (options.after !== null) {
      const anchor = await this.get(tenantId, options.after);
      if (!anchor) return null;
      cursor = indexMember(anchor.createdMs, anchor.id);
    }
    return collectPage(
      this.redis,
      this.index(tenantId),
      { cursor, limit: options.limit, order: 'desc' },
      async (ids) => {
        const pipeline = this.redis.pipeline();
        for (const id of ids) pipeline.hgetall(this.keys(tenantId, id).batch);
        const results = (await pipeline.exec()) ?? [];
        return results.map(([error, hash]) => (error ? null : toBatch(tenantId, hash as Record<string, string>)));
      },
    );
  }

  private keys(tenantId: string, batchId: string) {
    const base = `batch:{t:${tenantId}}:${batchId}`;
    return { batch: base, results: `${base}:results` };
  }

  private index(tenantId: string): string {
    return `batches:{t:${tenantId}}`;
  }
}

function toBatch(tenantId: string, hash: Record<string, string>): StoredBatch | null {
  if (!hash.id || !hash.status) return null;
  const timestamps: Partial<Record<BatchTimestamp, number>> = {};
  for (const field of BATCH_TIMESTAMPS) if (hash[field]) timestamps[field] = Number(hash[field]);
  const count = (field: string) => Number(hash[field] ?? 0);
  return {
    id: hash.id,
    tenantId,
    keyId: hash.key_id ?? '',
    endpoint: hash.endpoint ?? '',
    inputFileId: hash.input_file_id ?? '',
    createdMs: count('created_ms'),
    expiresAt: count('expires_at'),
    metadata: hash.metadata ? (JSON.parse(hash.metadata) as Record<string, string> | null) : null,
    outputTtlSeconds: hash.output_ttl ? Number(hash.output_ttl) : null,
    status: hash.status as BatchStatus,
    model: hash.model || null,
    errors: hash.errors ? (JSON.parse(hash.errors) as BatchError[]) : null,
    outputFileId: hash.output_file_id || null,
    errorFileId: hash.error_file_id || null,
    timestamps,
    counts: { total: count('total'), completed: count('completed'), failed: count('failed') },
    usage: {
      input: count('usage_input'),
      cached: count('usage_cached'),
      output: count('usage_output'),
      reasoning: count('usage_reasoning'),
      total: count('usage_total'),
    },
  };
}
