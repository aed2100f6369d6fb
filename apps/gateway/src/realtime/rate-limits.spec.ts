import { rateLimitsOf } from './rate-limits';

describe('rateLimitsOf (x-ratelimit-* → rate_limits.updated)', () => {
  it('reads requests and tokens, with the reset in seconds', () => {
    expect(
      rateLimitsOf({
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-reset-requests': '1.5s',
        'x-ratelimit-limit-tokens': '100000',
        'x-ratelimit-remaining-tokens': '98976',
        'x-ratelimit-reset-tokens': '6m0s',
      }),
    ).toEqual([
      { name: 'requests', limit: 60, remaining: 59, reset_seconds: 1.5 },
      { name: 'tokens', limit: 100000, remaining: 98976, reset_seconds: 360 },
    ]);
  });

  it('parses every duration formatResetDuration writes, and skips limits the tenant has not', () => {
    const one = (reset: string) =>
      rateLimitsOf({
        'x-ratelimit-limit-tokens': '10',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': reset,
      });
    expect(one('250ms')[0]?.reset_seconds).toBe(0.25);
    expect(one('1h0m0s')[0]?.reset_seconds).toBe(3600);
    expect(one('2m3.5s')[0]?.reset_seconds).toBe(123.5);
    expect(one('250ms').map((limit) => limit.name)).toEqual(['tokens']);
    expect(rateLimitsOf({})).toEqual([]);
  });
});
