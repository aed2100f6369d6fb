import { type BreakerState, CircuitBreaker } from './circuit-breaker';

const SETTINGS = { failureThreshold: 3, windowMs: 10_000, cooldownMs: 5_000 };

function breaker() {
  let now = 0;
  const changes: [BreakerState, BreakerState][] = [];
  const instance = new CircuitBreaker(
    SETTINGS,
    () => now,
    (from, to) => changes.push([from, to]),
  );
  return {
    breaker: instance,
    changes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** One allowed call that fails. */
function fail(instance: CircuitBreaker): void {
  expect(instance.tryAcquire()).toBe(true);
  instance.failure();
}

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures and refuses calls while open', () => {
    const { breaker: b, changes } = breaker();
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
    fail(b);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('starts the count over after a success', () => {
    const { breaker: b } = breaker();
    fail(b);
    fail(b);
    expect(b.tryAcquire()).toBe(true);
    b.success();
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
  });

  it('starts the count over when the streak is older than windowMs', () => {
    const { breaker: b, advance } = breaker();
    fail(b);
    fail(b);
    advance(10_001);
    fail(b);
    fail(b);
    expect(b.state).toBe('closed');
    fail(b);
    expect(b.state).toBe('open');
  });

  it('lets one probe through after cooldownMs, and closes when it succeeds', () => {
    const { breaker: b, advance, changes } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    advance(4_999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(false); // one probe at a time
    b.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half_open'],
      ['half_open', 'closed'],
    ]);
  });

  it('opens again for a whole cool-down when the probe fails', () => {
    const { breaker: b, advance } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    advance(5_000);
    fail(b);
    expect(b.state).toBe('open');
    advance(4_999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it('frees the probe slot when the probe is released without an outcome', () => {
    const { breaker: b, advance } = breaker();
    for (let i = 0; i < 3; i++) fail(b);
    advance(5_000);
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
  });
});
