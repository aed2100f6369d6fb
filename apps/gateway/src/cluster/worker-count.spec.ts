import { WORKER_INDEX_ENV, workerCount, workerIndexOf } from './worker-count';

describe('worker count and index', () => {
  it('reads auto as the cores available, at least 1, and a number as itself', () => {
    expect(workerCount('auto', 8)).toBe(8);
    expect(workerCount('auto', 0)).toBe(1);
    expect(workerCount(3, 8)).toBe(3);
  });

  it("takes a worker's slot from the environment the primary set, only in a cluster worker", () => {
    expect(workerIndexOf({ [WORKER_INDEX_ENV]: '1' }, true)).toBe(1);
    expect(workerIndexOf({ [WORKER_INDEX_ENV]: '1' }, false)).toBeNull();
    expect(workerIndexOf({}, true)).toBeNull();
    expect(workerIndexOf({ [WORKER_INDEX_ENV]: '-1' }, true)).toBeNull();
  });
});
