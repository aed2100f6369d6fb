import { BATCHES, batchable, batchesOf } from './event-batches';

/** Batches from an array of arrays, recording whether its cleanup ran. */
function source(batches: number[][]) {
  const state = { pulled: 0, cleaned: false };
  async function* generate(): AsyncGenerator<readonly number[]> {
    try {
      for (const batch of batches) {
        state.pulled++;
        yield await Promise.resolve(batch);
      }
    } finally {
      state.cleaned = true;
    }
  }
  return { stream: batchable(generate), state };
}

async function collect<T>(iterator: AsyncIterator<T>): Promise<T[]> {
  const items: T[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) items.push(next.value);
  return items;
}

describe('event batches', () => {
  it('gives a Batchable item by item in order, or as its batches', async () => {
    const items: number[] = [];
    for await (const item of source([[1, 2], [3], [4, 5, 6]]).stream) items.push(item);
    expect(items).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await collect(source([[1, 2], [3]]).stream[BATCHES]())).toEqual([[1, 2], [3]]);
    expect(await collect(batchesOf(source([[1, 2], [3]]).stream))).toEqual([[1, 2], [3]]);
  });

  it('stops the batches, running their cleanup, when an item-by-item consumer stops early', async () => {
    const { stream, state } = source([[1, 2], [3, 4], [5]]);
    for await (const item of stream) if (item === 3) break;
    expect(state).toEqual({ pulled: 2, cleaned: true });
  });

  it('reads a plain async iterable as batches of one, pulling one item per batch, and stops it on return', async () => {
    let pulled = 0;
    let cleaned = false;
    async function* plain(): AsyncGenerator<string> {
      try {
        for (const item of ['a', 'b', 'c']) {
          pulled++;
          yield await Promise.resolve(item);
        }
      } finally {
        cleaned = true;
      }
    }
    const batches = batchesOf(plain());
    expect(await batches.next()).toEqual({ done: false, value: ['a'] });
    expect(pulled).toBe(1);
    await batches.return?.();
    expect(cleaned).toBe(true);
    expect(await collect(batchesOf(plain()))).toEqual([['a'], ['b'], ['c']]);
  });

  it('passes a failure on after the items before it', async () => {
    async function* failing(): AsyncGenerator<readonly number[]> {
      yield await Promise.resolve([1, 2]);
      throw new Error('broken');
    }
    const items: number[] = [];
    await expect(
      (async () => {
        for await (const item of batchable(failing)) items.push(item);
      })(),
    ).rejects.toThrow('broken');
    expect(items).toEqual([1, 2]);
  });
});
