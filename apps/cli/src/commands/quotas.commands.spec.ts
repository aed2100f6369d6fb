import { LIMIT_FIELDS } from '@voxgate/tenancy';
import { CommandInput } from '../command';
import { limitsFrom, QUOTA_LIMITS } from './quotas.commands';

const input = (values: Record<string, string>) => new CommandInput({}, values, 'voxgate quotas set');

describe('quotas commands', () => {
  it('offer exactly the limits the gateway has, in its order', () => {
    expect([...QUOTA_LIMITS]).toEqual([...LIMIT_FIELDS]);
  });

  it('read limits from their kebab-case options: numbers, `unlimited` as null, absent ones left out', () => {
    expect(
      limitsFrom(
        input({ 'requests-per-minute': '60', 'spend-per-month-usd-micros': '0', 'tokens-per-day': 'unlimited' }),
      ),
    ).toEqual({ requests_per_minute: 60, spend_per_month_usd_micros: 0, tokens_per_day: null });
  });

  it.each(['-1', '1.5', '1e3', 'lots', '99999999999999999999'])('refuse %p as a limit, naming the option', (value) => {
    expect(() => limitsFrom(input({ 'concurrent-streams': value }))).toThrow(
      `--concurrent-streams must be a whole number ≥ 0 or 'unlimited', not '${value}'`,
    );
  });
});
