import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QUIET_TRIMS, serverActivity, trimMemoryWhenIdle } from './idle-memory-trim';

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

  it('trims in the first quiet windows after boot, then not again while it stays quiet', () => {
    expect(QUIET_TRIMS).toBe(3);
    expect(run([quiet, quiet, quiet, quiet, quiet, quiet])).toBe(3);
  });

  it('runs a full collection before each trim, so what it frees is trimmed too', () => {
    const calls: string[] = [];
    const stop = trimMemoryWhenIdle({
      everyMs: 1_000,
      busy: () => false,
      trim: () => calls.push('trim'),
      collect: () => calls.push('collect'),
    });
    jest.advanceTimersByTime(2_000);
    stop();
    expect(calls).toEqual(['collect', 'trim', 'collect', 'trim']);
  });

  it('never trims while the gateway is busy', () => {
    expect(run([busy, busy, busy, busy])).toBe(0);
  });

  it('trims again each time load came and went, starting over after every busy window', () => {
    expect(run([busy, quiet, busy, quiet, quiet, busy, quiet, quiet, quiet, quiet])).toBe(6);
  });

  it('does nothing when disabled (everyMs 0) or when there is no trim', () => {
    let trims = 0;
    trimMemoryWhenIdle({ everyMs: 0, busy: () => false, trim: () => trims++, collect: () => trims++ });
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
