import { useTestRedis } from '@voxgate/testing';
import { toolContext } from '../../__fixtures__/tool-fixtures';
import { SearchIndexRepository } from './search-index.repository';
import { createSearchOperations } from './search.tool';
import {
  RemoveSearchDocument,
  UploadSearchDocuments,
  UploadSearchDocumentsInputSchema,
} from './upload-search-documents.usecase';

const DOCUMENTS = [
  {
    id: 'refunds',
    title: 'Refund policy',
    text: 'Refunds are paid to the original card within 14 days. A refund needs the order number.',
  },
  {
    id: 'shipping',
    title: 'Shipping',
    text: 'Orders ship within 2 days. Shipping is free above 50 EUR. Refund of shipping costs is not possible.',
  },
  { id: 'hours', title: 'Opening hours', text: 'The shop opens at 9 and closes at 18 on weekdays.' },
  { id: 'careers', title: 'Careers', text: 'We are hiring engineers. Send your CV to jobs at example dot com.' },
];

describe('built-in search (real Redis)', () => {
  const redis = useTestRedis();
  const setup = async () => {
    const index = new SearchIndexRepository(redis().redis);
    await new UploadSearchDocuments(index).execute(
      'ten_a',
      UploadSearchDocumentsInputSchema.parse({ documents: DOCUMENTS }),
    );
    return { index, search: createSearchOperations(index).search };
  };

  it('ranks the document that matches best first (BM25), with ids, titles and snippets', async () => {
    const { search } = await setup();
    const outcome = await search.execute({ query: 'how long do refunds take', top_k: 3 }, toolContext());
    expect(outcome.status).toBe('ok');
    if (outcome.status !== 'ok') return;
    const { results } = outcome.result as { results: { id: string; title: string; score: number; snippet: string }[] };
    expect(results.map((hit) => hit.id)).toEqual(['refunds', 'shipping']);
    expect(results[0]).toMatchObject({ title: 'Refund policy', snippet: expect.stringContaining('14 days') });
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score);
  });

  it('weighs rare terms above common ones', async () => {
    const { index } = await setup();
    // 'shipping' appears in one document (rare), 'refund' in two.
    const hits = await index.search('ten_a', 'refund shipping', 4);
    expect(hits[0]?.id).toBe('shipping');
  });

  it('returns at most top_k results and nothing for unknown words', async () => {
    const { index } = await setup();
    expect(await index.search('ten_a', 'refund', 1)).toHaveLength(1);
    expect(await index.search('ten_a', 'zeppelin', 5)).toEqual([]);
    expect(await index.search('ten_a', 'the and of', 5)).toEqual([]);
  });

  it('replaces a document on re-upload and forgets removed ones', async () => {
    const { index } = await setup();
    await index.upsert('ten_a', { id: 'hours', title: 'Opening hours', text: 'Now open on Sundays too.' });
    expect(await index.search('ten_a', 'weekdays', 5)).toEqual([]);
    expect((await index.search('ten_a', 'sunday', 5)).map((hit) => hit.id)).toEqual(['hours']);
    expect(await new RemoveSearchDocument(index).execute('ten_a', 'refunds')).toBe(true);
    expect(await new RemoveSearchDocument(index).execute('ten_a', 'refunds')).toBe(false);
    expect((await index.search('ten_a', 'refund', 5)).map((hit) => hit.id)).toEqual(['shipping']);
    expect(await index.count('ten_a')).toBe(3);
    expect(await redis().redis.hget('search:{t:ten_a}:stats', 'total_length')).toBe(
      String((await redis().redis.hvals('search:{t:ten_a}:lengths')).reduce((sum, length) => sum + Number(length), 0)),
    );
  });

  it("never shows one tenant another tenant's documents", async () => {
    const { search } = await setup();
    const outcome = await search.execute({ query: 'refund' }, toolContext({ tenantId: 'ten_b' }));
    expect(outcome).toEqual({ status: 'ok', result: { query: 'refund', results: [] } });
    expect((await redis().keys()).every((key) => key.startsWith('search:{t:ten_a}:'))).toBe(true);
  });

  it('refuses arguments outside its own schema even if a registration loosened it', async () => {
    const { search } = await setup();
    expect(await search.execute({ query: '' }, toolContext())).toMatchObject({
      status: 'error',
      code: 'invalid_arguments',
    });
  });
});
