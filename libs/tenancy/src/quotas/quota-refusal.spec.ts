import { GatewayError } from '@voxgate/openai-wire';
import type { ReserveOutcome } from './quota.repository';
import { quotaRefusal } from './quota-refusal';

type Refusal = NonNullable<ReserveOutcome['refusal']>;

const outcome = (refusal: Refusal | null): ReserveOutcome => ({
  admitted: refusal === null,
  refusal,
  requests: { limit: -1, remaining: -1, resetMs: -1 },
  tokens: { limit: -1, remaining: -1, resetMs: -1 },
  streamsLimited: false,
});

const refused = (overrides: Partial<Refusal> = {}): ReserveOutcome =>
  outcome({ scope: 'key', limit: 'requests_per_minute', max: 3, used: 3, resetMs: 44_500, ...overrides });

describe('quotaRefusal', () => {
  it('is a 429 rate_limit_exceeded of type requests naming limit, used, requested and the wait', () => {
    const headers = { 'x-ratelimit-limit-requests': '3' };
    const error = quotaRefusal(refused(), 1, headers);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded', param: null });
    expect(error.message).toBe(
      'Rate limit reached for requests per min (RPM) on this API key: Limit 3, Used 3, Requested 1. Please try again in 44.5s.',
    );
    expect(error.headers).toEqual({ 'x-ratelimit-limit-requests': '3', 'retry-after': '45' });
    expect(error.toJSON()).toEqual({
      error: { message: error.message, type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it.each([
    ['tokens_per_minute', 'tokens', 'tokens per min (TPM)'],
    ['tokens_per_day', 'tokens', 'tokens per day (TPD)'],
    ['concurrent_streams', 'streams', 'concurrent streams'],
  ] as const)('%s is type %s, labelled %s', (limit, type, label) => {
    const error = quotaRefusal(refused({ limit, scope: 'tenant', max: 1000, used: 800 }), 400, {});
    expect(error).toMatchObject({ status: 429, type, code: 'rate_limit_exceeded' });
    expect(error.message).toContain(`for ${label} on this tenant: Limit 1000, Used 800, Requested 400.`);
  });

  it('shows audio limits in seconds (stored in ms), rounded up', () => {
    const error = quotaRefusal(refused({ limit: 'audio_seconds_per_day', max: 10_000, used: 6_001 }), 4_500, {});
    expect(error).toMatchObject({ status: 429, type: 'audio_seconds', code: 'rate_limit_exceeded' });
    expect(error.message).toContain('Limit 10, Used 7, Requested 5.');
  });

  it('never sends a retry-after below 1 second, and rounds up', () => {
    expect(quotaRefusal(refused({ resetMs: 1 }), 1, {}).headers['retry-after']).toBe('1');
    expect(quotaRefusal(refused({ resetMs: 250 }), 1, {}).headers['retry-after']).toBe('1');
    expect(quotaRefusal(refused({ resetMs: 0 }), 1, {}).headers['retry-after']).toBe('1');
    expect(quotaRefusal(refused({ resetMs: 1_001 }), 1, {}).headers['retry-after']).toBe('2');
    expect(quotaRefusal(refused({ resetMs: 60_000 }), 1, {}).headers['retry-after']).toBe('60');
  });

  it('a spent monthly budget is insufficient_quota with x-should-retry: false and the budget in USD', () => {
    const error = quotaRefusal(
      refused({
        limit: 'spend_per_month_usd_micros',
        scope: 'tenant',
        max: 1_000_000,
        used: 1_234_567,
        resetMs: 86_400_500,
      }),
      1,
      { 'x-ratelimit-limit-tokens': '1000' },
    );
    expect(error).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(error.message).toContain('monthly spend limit of this tenant ($1.00; used $1.23)');
    expect(error.headers).toEqual({
      'x-ratelimit-limit-tokens': '1000',
      'retry-after': '86401',
      'x-should-retry': 'false',
    });
  });

  it('refuses to build an error for an admitted request', () => {
    expect(() => quotaRefusal(outcome(null), 1, {})).toThrow('admitted');
  });
});
