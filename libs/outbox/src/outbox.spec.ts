import { Outbox, type OutboxScheduler } from './outbox';

/** A scheduler the test fires by hand; it records each requested delay. */
class ManualScheduler implements OutboxScheduler {
  readonly delays: number[] = [];
  private pending: (() => void) | null = null;

  schedule(run: () => void, ms: number): () => void {
    this.delays.push(ms);
    this.pending = run;
    return () => {
      if (this.pending === run) this.pending = null;
    };
  }

  get armed(): boolean {
    return this.pending !== null;
  }

  /** Fires the pending timer and lets the round it starts finish. */
  async fire(): Promise<void> {
    const run = this.pending;
    if (!run) throw new Error('no timer armed');
    this.pending = null;
    run();
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
  }
}

/** A store that is down until `up = true`; it keeps what was written, duplicates included. */
class FlakyStore {
  up = false;
  readonly written: string[] = [];
  attempts = 0;

  readonly write = (entry: string): Promise<void> => {
    this.attempts += 1;
    if (!this.up) return Promise.reject(new Error('Command timed out'));
    this.written.push(entry);
    return Promise.resolve();
  };
}

function outboxOver(store: FlakyStore, scheduler: ManualScheduler, maxEntries = 10, onDrop?: (entry: string) => void) {
  return new Outbox<string>({
    write: store.write,
    maxEntries,
    initialRetryMs: 100,
    maxRetryMs: 1_000,
    scheduler,
    ...(onDrop ? { onDrop } : {}),
  });
}

describe('Outbox', () => {
  it('keeps entries while the store is down and writes each exactly once, in order, once it is back', async () => {
    const store = new FlakyStore();
    const scheduler = new ManualScheduler();
    const outbox = outboxOver(store, scheduler);
    outbox.add('a');
    outbox.add('b');
    outbox.add('c');
    expect(store.attempts).toBe(0);

    await scheduler.fire();
    await scheduler.fire();
    expect(store.written).toEqual([]);
    expect(outbox.stats()).toEqual({ pending: 3, written: 0, dropped: 0 });
    // A failed round stops at the first failure: one attempt per round, not one per entry.
    expect(store.attempts).toBe(2);

    store.up = true;
    await scheduler.fire();
    expect(store.written).toEqual(['a', 'b', 'c']);
    expect(outbox.stats()).toEqual({ pending: 0, written: 3, dropped: 0 });
    expect(scheduler.armed).toBe(false);
  });

  it('backs off exponentially up to the cap, and starts over after a round that wrote everything', async () => {
    const store = new FlakyStore();
    const scheduler = new ManualScheduler();
    const outbox = outboxOver(store, scheduler);
    outbox.add('a');
    for (let i = 0; i < 5; i += 1) await scheduler.fire();
    expect(scheduler.delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);

    store.up = true;
    await scheduler.fire();
    outbox.add('b');
    expect(scheduler.delays.at(-1)).toBe(100);
  });

  it('drops the oldest entries beyond its bound and reports each', async () => {
    const store = new FlakyStore();
    const scheduler = new ManualScheduler();
    const dropped: string[] = [];
    const outbox = outboxOver(store, scheduler, 2, (entry) => dropped.push(entry));
    for (const entry of ['a', 'b', 'c', 'd']) outbox.add(entry);
    expect(dropped).toEqual(['a', 'b']);
    expect(outbox.stats()).toMatchObject({ pending: 2, dropped: 2 });

    store.up = true;
    await scheduler.fire();
    expect(store.written).toEqual(['c', 'd']);
  });

  it('hands back what is pending on drain and stops retrying', async () => {
    const store = new FlakyStore();
    const scheduler = new ManualScheduler();
    const outbox = outboxOver(store, scheduler);
    outbox.add('a');
    outbox.add('b');
    await scheduler.fire();

    expect(await outbox.drain()).toEqual(['a', 'b']);
    expect(scheduler.armed).toBe(false);
    outbox.add('c');
    expect(outbox.stats().pending).toBe(0);
  });

  it('writes entries added while a round runs in that same round', async () => {
    const scheduler = new ManualScheduler();
    const written: string[] = [];
    const outbox: Outbox<string> = new Outbox<string>({
      write: (entry) => {
        written.push(entry);
        if (entry === 'a') outbox.add('b');
        return Promise.resolve();
      },
      maxEntries: 10,
      initialRetryMs: 100,
      maxRetryMs: 1_000,
      scheduler,
    });
    outbox.add('a');
    await scheduler.fire();
    expect(written).toEqual(['a', 'b']);
    expect(outbox.stats()).toEqual({ pending: 0, written: 2, dropped: 0 });
  });
});
