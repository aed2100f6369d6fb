import { EventLoopLoad } from './event-loop-load';

const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The event loop is held: this window is all callback time.
  }
}

describe('EventLoopLoad', () => {
  it('reads a loop held by callbacks as busy, and one waiting for I/O as having time to spare', async () => {
    const load = new EventLoopLoad(50, 0.75);
    await idle(80);
    expect(load.recent()).toBeLessThan(0.3);
    expect(load.spare()).toBe(true);

    spin(120);
    expect(load.recent()).toBeGreaterThan(0.9);
    expect(load.spare()).toBe(false);

    await idle(120);
    expect(load.spare()).toBe(true);
  });

  it('keeps a reading until its window has passed (no work per call within it)', async () => {
    const load = new EventLoopLoad(10_000);
    spin(30);
    // The first window has not closed: the initial reading (0) holds, busy or not.
    expect(load.recent()).toBe(0);
    await idle(20);
    expect(load.recent()).toBe(0);
  });
});
