import { EventLoopLoad, type LoopTimes } from './event-loop-load';

/** A loop whose cumulative idle and active times, and clock, the test moves by hand. */
function scriptedLoop() {
  let times: LoopTimes = { idle: 0, active: 0 };
  let clock = 0;
  return {
    options: { times: () => times, now: () => clock },
    /** `ms` pass, `busy` of them running callbacks. */
    pass(ms: number, busy: number) {
      times = { idle: times.idle + ms - busy, active: times.active + busy };
      clock += ms;
    },
  };
}

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The event loop is held: this window is all callback time.
  }
}

describe('EventLoopLoad', () => {
  it('reads the share of the last closed window spent running callbacks, and says spare below the bound', () => {
    const loop = scriptedLoop();
    const load = new EventLoopLoad({ windowMs: 100, spareBelow: 0.75, ...loop.options });
    loop.pass(100, 20);
    expect(load.recent()).toBeCloseTo(0.2);
    expect(load.spare()).toBe(true);
    loop.pass(100, 90);
    expect(load.recent()).toBeCloseTo(0.9);
    expect(load.spare()).toBe(false);
    // A long quiet spell is one window: the burst after it starts as spare.
    loop.pass(10_000, 0);
    expect(load.spare()).toBe(true);
  });

  it('keeps a reading until its window has passed, then covers all the time since the last reading', () => {
    const loop = scriptedLoop();
    const load = new EventLoopLoad({ windowMs: 100, ...loop.options });
    loop.pass(60, 60);
    // The first window has not closed: the initial reading (0) holds, busy or not.
    expect(load.recent()).toBe(0);
    loop.pass(60, 0);
    // 120 ms since construction, 60 of them busy.
    expect(load.recent()).toBeCloseTo(0.5);
    loop.pass(50, 50);
    expect(load.recent()).toBeCloseTo(0.5);
  });

  it("reads the process's own loop by default: held by a callback, it is busy", () => {
    const load = new EventLoopLoad({ windowMs: 50 });
    spin(120);
    expect(load.recent()).toBeGreaterThan(0.9);
    expect(load.spare()).toBe(false);
  });
});
