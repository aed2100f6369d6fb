import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FULL_COLLECTION_QUIET_MS, QUIET_TRIMS, serverActivity, trimMemoryWhenIdle } from './idle-memory-trim';

describe('trimMemoryWhenIdle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Runs the timer through `windows`, one utilisation per window; returns how many trims ran. */
  function run(windows: boolean[]): number {
    let trims = 0;
    const queue = [...windows];
    const stop = trimMemoryWhenIdle({
      everyMs: 1_000,
      busy: () => queue.shift() ?? false,
      trim: () => trims++,
      collect: null,
    });
    jest.advanceTimersByTime(windows.length * 1_000);
    stop();
    return trims;
  }

  const busy = true;
  const quiet = false;

  it('trims in the first quiet windows after boot, then not again while it stays quiet (up to the full collection)', () => {
    expect(QUIET_TRIMS).toBe(3);
    expect(run([quiet, quiet, quiet, quiet, quiet, quiet])).toBe(3);
  });

  /** The collections and trims of `windows` one-second windows, in order. */
  function calls(windows: boolean[]): string[] {
    const seen: string[] = [];
    const queue = [...windows];
    const stop = trimMemoryWhenIdle({
      everyMs: 1_000,
      busy: () => queue.shift() ?? false,
      trim: () => seen.push('trim'),
      collect: { young: () => seen.push('young'), full: () => seen.push('full') },
    });
    jest.advanceTimersByTime(windows.length * 1_000);
    stop();
    return seen;
  }

  it('runs a young collection before each trim, so what it frees is trimmed too', () => {
    expect(calls([quiet, quiet])).toEqual(['young', 'trim', 'young', 'trim']);
  });

  it('runs the full collection, and one more trim, once after FULL_COLLECTION_QUIET_MS of quiet windows in a row', () => {
    const windows = FULL_COLLECTION_QUIET_MS / 1_000;
    const quietFor = (count: number) => Array.from({ length: count }, () => quiet);
    const young = ['young', 'trim', 'young', 'trim', 'young', 'trim'];
    expect(calls(quietFor(windows - 1))).toEqual(young);
    expect(calls(quietFor(windows))).toEqual([...young, 'full', 'trim']);
    expect(calls(quietFor(3 * windows))).toEqual([...young, 'full', 'trim']);
    // A busy window restarts the count: traffic that only pauses never gets a full collection.
    const pausing = [...quietFor(windows - 1), busy, ...quietFor(windows - 1)];
    expect(calls(pausing)).toEqual([...young, ...young]);
    expect(calls([...pausing, quiet])).toEqual([...young, ...young, 'full', 'trim']);
  });

  it('never trims while the gateway is busy', () => {
    expect(run([busy, busy, busy, busy])).toBe(0);
  });

  it('trims again each time load came and went, starting over after every busy window', () => {
    expect(run([busy, quiet, busy, quiet, quiet, busy, quiet, quiet, quiet, quiet])).toBe(6);
  });

  it('does nothing when disabled (everyMs 0) or when there is no trim', () => {
    let trims = 0;
    const collect = { young: () => trims++, full: () => trims++ };
    trimMemoryWhenIdle({ everyMs: 0, busy: () => false, trim: () => trims++, collect });
    trimMemoryWhenIdle({ everyMs: 1_000, busy: () => false, trim: null, collect: null });
    jest.advanceTimersByTime(5_000);
    expect(trims).toBe(0);
  });
});

describe('serverActivity (a real HTTP server)', () => {
  it('is busy while a response is open and in the window a request came, quiet after', async () => {
    let finish: () => void = () => undefined;
    const server = createServer((_request, response) => {
      response.write('streaming');
      finish = () => response.end();
    });
    const busy = serverActivity(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(busy()).toBe(false);
      const answered = new Promise<void>((resolve) =>
        httpRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (response) => {
          response.resume();
          response.once('end', resolve);
        }).end(),
      );
      while (!busy()) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(busy()).toBe(true); // still open: a long stream keeps every window busy
      finish();
      await answered;
      await new Promise((resolve) => setTimeout(resolve, 20));
      busy(); // the window in which it closed
      expect(busy()).toBe(false);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
