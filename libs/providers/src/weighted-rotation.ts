/**
 * Smooth weighted round-robin (as nginx balances upstreams): over every run of `sum(weights)` picks, each
 * item is picked exactly `weight` times, interleaved rather than in blocks (weights 3 and 1: A A B A …).
 * Deterministic and process-local.
 */
export class WeightedRotation<T> {
  private readonly entries: { readonly item: T; readonly weight: number; current: number }[];
  private readonly total: number;

  constructor(items: readonly { readonly item: T; readonly weight: number }[]) {
    if (items.length === 0) throw new Error('WeightedRotation needs at least one item');
    this.entries = items.map(({ item, weight }) => ({ item, weight, current: 0 }));
    this.total = items.reduce((sum, { weight }) => sum + weight, 0);
  }

  next(): T {
    let best = this.entries[0]!;
    for (const entry of this.entries) {
      entry.current += entry.weight;
      if (entry.current > best.current) best = entry;
    }
    best.current -= this.total;
    return best.item;
  }
}
