import { WeightedRotation } from './weighted-rotation';

describe('WeightedRotation', () => {
  it('picks each item exactly its weight times per round, interleaved', () => {
    const rotation = new WeightedRotation([
      { item: 'a', weight: 3 },
      { item: 'b', weight: 1 },
    ]);
    const picks = Array.from({ length: 8 }, () => rotation.next());
    expect(picks.filter((pick) => pick === 'a')).toHaveLength(6);
    expect(picks.filter((pick) => pick === 'b')).toHaveLength(2);
    expect(picks.slice(0, 4)).not.toEqual(['a', 'a', 'a', 'b']);
  });

  it('alternates equal weights', () => {
    const rotation = new WeightedRotation([
      { item: 'a', weight: 1 },
      { item: 'b', weight: 1 },
    ]);
    expect([rotation.next(), rotation.next(), rotation.next(), rotation.next()]).toEqual(['a', 'b', 'a', 'b']);
  });
});
