/**
 * Runs items with at most `concurrency` at a time, keeping items of one lane strictly sequential and in
 * order: an item starts only after the previous item of its lane finished. Items with a null lane are
 * independent. Slots are granted first come, first served, so lanes start in the order of their first item.
 *
 * `shouldStop` is asked before each item starts; once it says true no further item starts and the call
 * resolves `{ stopped: true }` after the running ones finish. An item that throws stops the run too, and
 * the first error is rethrown once everything running has settled.
 */
export async function runInLanes<T>(
  items: readonly T[],
  options: {
    concurrency: number;
    laneOf: (item: T) => string | null;
    shouldStop: () => Promise<boolean>;
    run: (item: T) => Promise<void>;
  },
): Promise<{ stopped: boolean }> {
  const lanes: T[][] = [];
  const named = new Map<string, T[]>();
  for (const item of items) {
    const key = options.laneOf(item);
    if (key === null) {
      lanes.push([item]);
      continue;
    }
    let lane = named.get(key);
    if (!lane) {
      lane = [];
      named.set(key, lane);
      lanes.push(lane);
    }
    lane.push(item);
  }

  const slots = new Slots(Math.max(1, options.concurrency));
  let stopped = false;
  let failure: { error: unknown } | null = null;
  const runLane = async (lane: T[]): Promise<void> => {
    for (const item of lane) {
      await slots.acquire();
      try {
        if (stopped || failure || (await options.shouldStop())) {
          stopped = true;
          return;
        }
        await options.run(item);
      } catch (error) {
        failure ??= { error };
        return;
      } finally {
        slots.release();
      }
    }
  };
  await Promise.all(lanes.map(runLane));
  if (failure) throw (failure as { error: unknown }).error;
  return { stopped };
}

/** A counting semaphore with a FIFO wait queue. */
class Slots {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}
