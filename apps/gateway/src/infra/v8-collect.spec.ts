import { setImmediate as nextTurn } from 'node:timers/promises';
import { v8Collector } from './v8-collect';

describe('v8Collector', () => {
  it('is a full collection, available without --expose-gc: an unreachable object is gone after it', async () => {
    const collect = v8Collector();
    if (!collect) throw new Error('no collector');
    const target = new WeakRef(Array.from({ length: 1_000 }, (_, index) => ({ index })));
    // A WeakRef keeps its target alive until the end of the job that created or read it.
    await nextTurn();
    collect();
    expect(target.deref()).toBeUndefined();
  });
});
