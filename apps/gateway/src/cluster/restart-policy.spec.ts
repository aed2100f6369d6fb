import { DEFAULT_RESTART_POLICY, RestartPolicy } from './restart-policy';

describe('RestartPolicy', () => {
  it('gives up after 5 boot failures in a row, backing off 0.5, 1, 2, 4 s before that', () => {
    const policy = new RestartPolicy();
    const decisions = Array.from({ length: 5 }, () => policy.exited(false));
    expect(decisions).toEqual([
      { action: 'restart', delayMs: 500 },
      { action: 'restart', delayMs: 1_000 },
      { action: 'restart', delayMs: 2_000 },
      { action: 'restart', delayMs: 4_000 },
      { action: 'give-up', bootFailures: 5 },
    ]);
  });

  it('starts the boot-failure count over once any worker is ready', () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < 4; i++) policy.exited(false);
    policy.ready();
    expect(policy.exited(false)).toEqual({ action: 'restart', delayMs: 500 });
  });

  it('always restarts a worker that served, doubling the delay per crash in the last minute, at most 10 s', () => {
    let now = 0;
    const policy = new RestartPolicy(DEFAULT_RESTART_POLICY, () => now);
    const delays = Array.from({ length: 9 }, () => {
      now += 1_000;
      const decision = policy.exited(true);
      return decision.action === 'restart' ? decision.delayMs : -1;
    });
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000]);
    now += 61_000;
    expect(policy.exited(true)).toEqual({ action: 'restart', delayMs: 100 });
  });
});
