import type { Redis } from 'ioredis';
import { defineScript, execAll, type RedisScript, tenantTag } from '../../redis-script';
import { queryTerms, snippetOf, tokenize } from './search-text';

/** A document ops upload to a tenant's corpus. */
export interface SearchDocument {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface SearchHit {
  readonly id: string;
  readonly title: string;
  /** BM25 score, rounded to 4 decimals; only comparable within one query. */
  readonly score: number;
  readonly snippet: string;
}

// BM25's usual constants: term-frequency saturation and length normalisation.
const K1 = 1.2;
const B = 0.75;
const MAX_QUERY_TERMS = 32;

/**
 * A per-tenant inverted index in Redis, ranked with BM25.
 *
 * - `search:{t:T}:doc:<id>`        hash `{ id, title, text, length, updated_at }`
 * - `search:{t:T}:doc-terms:<id>`  set of the document's terms
 * - `search:{t:T}:postings:<term>` hash document id → term frequency
 * - `search:{t:T}:lengths`         hash document id → length in terms (its size is the corpus size)
 * - `search:{t:T}:stats`           hash `{ total_length }`
 * - `search:{t:T}:docs`            sorted set of document ids by update time
 */
export class SearchIndexRepository {
  private readonly indexScript: RedisScript;
  private readonly removeScript: RedisScript;

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {
    this.indexScript = defineScript(redis, __dirname, 'index-document-5.lua');
    this.removeScript = defineScript(redis, __dirname, 'remove-document-5.lua');
  }

  async upsert(tenantId: string, document: SearchDocument): Promise<void> {
    const frequencies: Record<string, number> = {};
    const tokens = tokenize(`${document.title}\n${document.text}`);
    for (const { term } of tokens) frequencies[term] = (frequencies[term] ?? 0) + 1;
    await this.indexScript(
      ...documentKeys(tenantId, document.id),
      document.id,
      document.title,
      document.text,
      tokens.length,
      this.now(),
      // Lua's cjson turns an empty object into an empty array; both iterate as nothing.
      JSON.stringify(frequencies),
    );
  }

  async remove(tenantId: string, documentId: string): Promise<boolean> {
    return (await this.removeScript(...documentKeys(tenantId, documentId), documentId)) === 1;
  }

  async count(tenantId: string): Promise<number> {
    return this.redis.hlen(`${base(tenantId)}lengths`);
  }

  /** The `topK` best documents for `query` by BM25, each with the passage that matches best. */
  async search(tenantId: string, query: string, topK: number): Promise<SearchHit[]> {
    const terms = queryTerms(query).slice(0, MAX_QUERY_TERMS);
    if (terms.length === 0) return [];
    const prefix = base(tenantId);
    const pipeline = this.redis.pipeline();
    for (const term of terms) pipeline.hgetall(`${prefix}postings:${term}`);
    pipeline.hlen(`${prefix}lengths`).hget(`${prefix}stats`, 'total_length');
    const results = await execAll(pipeline);
    const postings = results.slice(0, terms.length) as Record<string, string>[];
    const documents = Number(results[terms.length]);
    const averageLength = Number(results[terms.length + 1] ?? 0) / Math.max(documents, 1) || 1;

    const candidates = [...new Set(postings.flatMap((posting) => Object.keys(posting)))];
    if (candidates.length === 0) return [];
    const lengths = await this.redis.hmget(`${prefix}lengths`, ...candidates);
    const scores = candidates.map((id, index) => {
      const length = Number(lengths[index] ?? averageLength);
      let score = 0;
      postings.forEach((posting) => {
        const tf = Number(posting[id] ?? 0);
        if (tf === 0) return;
        const df = Object.keys(posting).length;
        const idf = Math.log(1 + (documents - df + 0.5) / (df + 0.5));
        score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / averageLength));
      });
      return { id, score };
    });
    scores.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const top = scores.slice(0, topK);
    const read = this.redis.pipeline();
    for (const { id } of top) read.hmget(`${prefix}doc:${id}`, 'title', 'text');
    const bodies = (await execAll(read)) as [string | null, string | null][];
    return top.map(({ id, score }, index) => {
      const [title, text] = bodies[index] ?? [null, null];
      return {
        id,
        title: title ?? '',
        score: Math.round(score * 10_000) / 10_000,
        snippet: snippetOf(text ?? '', terms),
      };
    });
  }
}

function base(tenantId: string): string {
  return `search:${tenantTag(tenantId)}:`;
}

function documentKeys(tenantId: string, documentId: string): string[] {
  const prefix = base(tenantId);
  return [
    `${prefix}doc:${documentId}`,
    `${prefix}doc-terms:${documentId}`,
    `${prefix}stats`,
    `${prefix}docs`,
    `${prefix}lengths`,
  ];
}
