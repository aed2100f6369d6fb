import { mallocTrim, QUIET_UTILISATION, trimMemoryWhenIdle } from './idle-memory-trim';

describe('trimMemoryWhenIdle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Runs the timer through `windows`, one utilisation per window; returns how many trims ran. */
  function run(windows: number[]): number {
    let trims = 0;
    const queue = [...windows];
    const stop = trimMemoryWhenIdle({ everyMs: 1_000, utilisation: () => queue.shift() ?? 0, trim: () => trims++ });
    jest.advanceTimersByTime(windows.length * 1_000);
    stop();
    return trims;
  }

  const busy = 0.5;
  const quiet = QUIET_UTILISATION / 2;

  it('trims once when the gateway goes quiet after boot, then not again while it stays quiet', () => {
    expect(run([quiet, quiet, quiet])).toBe(1);
  });

  it('never trims while the gateway is busy', () => {
    expect(run([busy, busy, busy, busy])).toBe(0);
  });

  it('trims again each time load came and went', () => {
    expect(run([quiet, busy, busy, quiet, quiet, busy, quiet])).toBe(3);
  });

  it('does nothing when disabled (everyMs 0) or when there is no trim', () => {
    let trims = 0;
    trimMemoryWhenIdle({ everyMs: 0, utilisation: () => 0, trim: () => trims++ });
    trimMemoryWhenIdle({ everyMs: 1_000, utilisation: () => 0, trim: null });
    jest.advanceTimersByTime(5_000);
    expect(trims).toBe(0);
  });
});

(process.platform === 'linux' ? describe : describe.skip)('mallocTrim (Linux, glibc)', () => {
  it('binds glibc malloc_trim, and calling it works', () => {
    const trim = mallocTrim();
    expect(trim).not.toBeNull();
    expect(() => trim?.()).not.toThrow();
  });
});
