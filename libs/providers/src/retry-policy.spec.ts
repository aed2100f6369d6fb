import { DEFAULT_RETRY_POLICY, isRetryableStatus, type RetryPolicy, retryDelayMs } from './retry-policy';

const policy: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000 };
const noJitter = () => 0;
const fullJitter = () => 1;

describe('isRetryableStatus', () => {
  it.each([408, 409, 429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(isRetryableStatus(status, new Headers())).toBe(true);
  });

  it.each([400, 401, 403, 404, 413, 422])('does not retry %i', (status) => {
    expect(isRetryableStatus(status, new Headers())).toBe(false);
  });

  it('lets x-should-retry override the status rule both ways', () => {
    expect(isRetryableStatus(500, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(isRetryableStatus(429, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(isRetryableStatus(400, new Headers({ 'x-should-retry': 'true' }))).toBe(true);
  });

  it('ignores an x-should-retry value other than true/false', () => {
    expect(isRetryableStatus(400, new Headers({ 'x-should-retry': 'yes' }))).toBe(false);
    expect(isRetryableStatus(503, new Headers({ 'x-should-retry': '1' }))).toBe(true);
  });
});

describe('retryDelayMs', () => {
  it('backs off exponentially from baseDelayMs without jitter', () => {
    expect([0, 1, 2, 3].map((attempt) => retryDelayMs(policy, attempt, null, noJitter))).toEqual([
      500, 1000, 2000, 4000,
    ]);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(retryDelayMs(policy, 4, null, noJitter)).toBe(8_000);
    expect(retryDelayMs(policy, 30, null, noJitter)).toBe(8_000);
  });

  it('subtracts at most 25 % jitter', () => {
    expect(retryDelayMs(policy, 1, null, fullJitter)).toBe(750);
    expect(retryDelayMs(policy, 1, null, () => 0.5)).toBe(875);
    expect(retryDelayMs(policy, 5, null, fullJitter)).toBe(6_000);
  });

  it('honours retry-after-ms first, fractional milliseconds included', () => {
    const headers = new Headers({ 'retry-after-ms': '1234.5', 'retry-after': '7' });
    expect(retryDelayMs(policy, 0, headers, fullJitter)).toBe(1234.5);
  });

  it('honours retry-after in seconds', () => {
    expect(retryDelayMs(policy, 0, new Headers({ 'retry-after': '3' }), fullJitter)).toBe(3_000);
    expect(retryDelayMs(policy, 0, new Headers({ 'retry-after': '0' }), fullJitter)).toBe(0);
  });

  it('honours retry-after as an HTTP date', () => {
    jest.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    try {
      const headers = new Headers({ 'retry-after': 'Mon, 23 Nov 2026 12:00:05 GMT' });
      expect(retryDelayMs(policy, 0, headers, fullJitter)).toBe(5_000);
      const past = new Headers({ 'retry-after': 'Mon, 23 Nov 2026 11:59:00 GMT' });
      expect(retryDelayMs(policy, 0, past, fullJitter)).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('falls back to backoff when the hint exceeds maxDelayMs', () => {
    expect(retryDelayMs(policy, 1, new Headers({ 'retry-after': '60' }), noJitter)).toBe(1_000);
    expect(retryDelayMs(policy, 0, new Headers({ 'retry-after-ms': '8001' }), noJitter)).toBe(500);
  });

  it('falls back to backoff for unreadable or negative hints', () => {
    expect(retryDelayMs(policy, 0, new Headers({ 'retry-after': 'soon' }), noJitter)).toBe(500);
    expect(retryDelayMs(policy, 0, new Headers({ 'retry-after-ms': '-5' }), noJitter)).toBe(500);
    expect(retryDelayMs(policy, 0, new Headers({ 'retry-after-ms': 'abc', 'retry-after': '2' }), noJitter)).toBe(2_000);
  });

  it('falls back to backoff for a negative retry-after instead of retrying at once', () => {
    expect(retryDelayMs(policy, 0, new Headers({ 'retry-after': '-1' }), noJitter)).toBe(500);
  });

  it('has the SDK-like defaults', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxRetries: 2, baseDelayMs: 250, maxDelayMs: 8_000 });
  });
});
