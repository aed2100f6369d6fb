import { formatMinorUnits, toMinorUnits } from './money';

describe('money', () => {
  it.each([
    ['12.50', 'EUR', 1250],
    [12.5, 'EUR', 1250],
    ['12', 'EUR', 1200],
    ['12.500', 'EUR', 1250],
    ['1000', 'JPY', 1000],
    ['1.234', 'KWD', 1234],
  ] as const)('%s %s is %d minor units', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
  });

  it.each([
    ['12.345', 'EUR'],
    ['1.5', 'JPY'],
    ['-1', 'EUR'],
    ['1e3', 'EUR'],
    ['abc', 'EUR'],
  ])('refuses %s %s', (amount, currency) => {
    expect(toMinorUnits(amount, currency)).toBeNull();
  });

  it('formats minor units back', () => {
    expect(formatMinorUnits(1250, 'EUR')).toBe('12.50');
    expect(formatMinorUnits(5, 'EUR')).toBe('0.05');
    expect(formatMinorUnits(1000, 'JPY')).toBe('1000');
    expect(formatMinorUnits(1234, 'KWD')).toBe('1.234');
  });
});
