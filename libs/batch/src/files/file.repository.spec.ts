import { useTestRedis } from '@voxgate/testing';
import { FileRepository } from './file.repository';
import type { StoredFile } from './stored-file';

const file = (id: string, createdMs: number, overrides: Partial<StoredFile> = {}): StoredFile => ({
  id,
  bytes: 3,
  createdMs,
  expiresMs: null,
  filename: `${id}.jsonl`,
  purpose: 'batch',
  ...overrides,
});

describe('FileRepository', () => {
  const testRedis = useTestRedis();

  async function seeded(): Promise<FileRepository> {
    const files = new FileRepository(testRedis().redis);
    for (let index = 1; index <= 5; index++)
      await files.put(
        'ten_a',
        file(`file-${index}`, 1_000 + index, index === 4 ? { purpose: 'batch_output' } : {}),
        Buffer.from('abc'),
      );
    return files;
  }

  it('stores content and metadata under the tenant hash tag, and deletes both', async () => {
    const files = await seeded();
    expect(await files.get('ten_a', 'file-1')).toEqual(file('file-1', 1_001));
    expect((await files.content('ten_a', 'file-1'))?.toString()).toBe('abc');
    expect(await testRedis().keys()).toContain('file:{t:ten_a}:file-1:content');
    expect(await files.delete('ten_a', 'file-1')).toBe(true);
    expect(await files.delete('ten_a', 'file-1')).toBe(false);
    expect(await files.get('ten_a', 'file-1')).toBeNull();
    expect((await testRedis().keys()).filter((key) => key.includes('file-1'))).toEqual([]);
  });

  it('pages newest first by default and oldest first with asc, with the after cursor', async () => {
    const files = await seeded();
    const ids = (page: { items: StoredFile[] } | null) => page?.items.map((entry) => entry.id);
    const first = await files.list('ten_a', { purpose: null, limit: 2, order: 'desc', after: null });
    expect(ids(first)).toEqual(['file-5', 'file-4']);
    expect(first?.hasMore).toBe(true);
    const second = await files.list('ten_a', { purpose: null, limit: 2, order: 'desc', after: 'file-4' });
    expect(ids(second)).toEqual(['file-3', 'file-2']);
    const last = await files.list('ten_a', { purpose: null, limit: 2, order: 'desc', after: 'file-2' });
    expect(ids(last)).toEqual(['file-1']);
    expect(last?.hasMore).toBe(false);
    const asc = await files.list('ten_a', { purpose: null, limit: 10, order: 'asc', after: 'file-2' });
    expect(ids(asc)).toEqual(['file-3', 'file-4', 'file-5']);
    expect(await files.list('ten_a', { purpose: null, limit: 2, order: 'asc', after: 'file-404' })).toBeNull();
  });

  it('filters by purpose and never lists another tenant’s files', async () => {
    const files = await seeded();
    const outputs = await files.list('ten_a', { purpose: 'batch_output', limit: 10, order: 'desc', after: null });
    expect(outputs?.items.map((entry) => entry.id)).toEqual(['file-4']);
    expect((await files.list('ten_b', { purpose: null, limit: 10, order: 'desc', after: null }))?.items).toEqual([]);
    expect(await files.get('ten_b', 'file-1')).toBeNull();
  });

  it('expires a file with its content, and drops it from listings', async () => {
    const files = new FileRepository(testRedis().redis);
    await files.put('ten_a', file('file-old', 1, { expiresMs: Date.now() + 50 }), Buffer.from('x'));
    await files.put('ten_a', file('file-new', 2), Buffer.from('y'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await files.content('ten_a', 'file-old')).toBeNull();
    const page = await files.list('ten_a', { purpose: null, limit: 10, order: 'asc', after: null });
    expect(page?.items.map((entry) => entry.id)).toEqual(['file-new']);
    expect(await testRedis().redis.zcard('files:{t:ten_a}')).toBe(1);
  });
});
