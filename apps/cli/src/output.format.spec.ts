import { formatRecord, formatTable, isoFromMillis, isoFromSeconds, truncate, usdFromMicros } from './output.format';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell, headers upper-cased, missing cells as -', () => {
    expect(
      formatTable(
        ['id', 'name', 'created'],
        [
          ['ten_1', 'Acme Corporation', '2025-06-03T12:00:00Z'],
          ['ten_22', null, undefined],
        ],
      ),
    ).toBe(
      'ID      NAME              CREATED\n' +
        'ten_1   Acme Corporation  2025-06-03T12:00:00Z\n' +
        'ten_22  -                 -\n',
    );
  });

  it('prints the header alone when there are no rows, without trailing spaces', () => {
    expect(formatTable(['name', 'effect'], [])).toBe('NAME  EFFECT\n');
  });
});

describe('formatRecord', () => {
  it('aligns values one column after the longest key', () => {
    expect(
      formatRecord([
        ['id', 'key_1'],
        ['requests_per_minute', 60],
        ['name', ''],
      ]),
    ).toBe('id:                  key_1\nrequests_per_minute: 60\nname:                -\n');
  });
});

describe('value formats', () => {
  it('prints unix seconds and milliseconds as UTC ISO 8601 without milliseconds', () => {
    expect(isoFromSeconds(1748952000)).toBe('2025-06-03T12:00:00Z');
    expect(isoFromMillis(1748952000999)).toBe('2025-06-03T12:00:00Z');
    expect(isoFromSeconds(undefined)).toBeUndefined();
  });

  it('prints integer micro-USD as dollars: cents always, more digits only when there are any', () => {
    expect(usdFromMicros(50_000_000)).toBe('50.00');
    expect(usdFromMicros(12_500_000)).toBe('12.50');
    expect(usdFromMicros(1_234_500)).toBe('1.2345');
    expect(usdFromMicros(125)).toBe('0.000125');
    expect(usdFromMicros(0)).toBe('0.00');
    expect(usdFromMicros(-2_000_001)).toBe('-2.000001');
  });

  it('truncates long text with an ellipsis, to the given length', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
  });
});
