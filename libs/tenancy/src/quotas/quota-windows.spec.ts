import { formatResetDuration, windowsAt } from './quota-windows';

describe('windowsAt', () => {
  it('numbers the UTC minute, day and YYYYMM month and measures the time left in each', () => {
    const now = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
    expect(windowsAt(now)).toEqual({
      minute: Math.floor(now / 60_000),
      day: Math.floor(now / 86_400_000),
      month: 203005,
      msToMinuteEnd: 44_500,
      msToDayEnd: 13 * 3_600_000 + 39 * 60_000 + 44_500,
      msToMonthEnd: 17 * 86_400_000 + 13 * 3_600_000 + 39 * 60_000 + 44_500,
    });
  });

  it('rolls every window over together at the last millisecond of a year', () => {
    const last = Date.UTC(2030, 11, 31, 23, 59, 59, 999);
    const before = windowsAt(last);
    const after = windowsAt(last + 1);
    expect(before).toMatchObject({ month: 203012, msToMinuteEnd: 1, msToDayEnd: 1, msToMonthEnd: 1 });
    expect(after).toMatchObject({
      minute: before.minute + 1,
      day: before.day + 1,
      month: 203101,
      msToMinuteEnd: 60_000,
      msToDayEnd: 86_400_000,
      msToMonthEnd: 31 * 86_400_000,
    });
  });

  it('knows the length of February in a leap year and a minute window is always aligned', () => {
    expect(windowsAt(Date.UTC(2028, 1, 1)).msToMonthEnd).toBe(29 * 86_400_000);
    expect(windowsAt(Date.UTC(2030, 1, 1)).msToMonthEnd).toBe(28 * 86_400_000);
    const start = Date.UTC(2030, 0, 1, 0, 7);
    expect(windowsAt(start).minute).toBe(windowsAt(start + 59_999).minute);
    expect(windowsAt(start + 60_000).minute).toBe(windowsAt(start).minute + 1);
  });
});

describe('formatResetDuration (Go time.Duration style, as in x-ratelimit-reset-*)', () => {
  it.each([
    [250, '250ms'],
    [1, '1ms'],
    [999, '999ms'],
    [999.6, '1s'],
    [1_000, '1s'],
    [1_001, '1.001s'],
    [1_500, '1.5s'],
    [44_500, '44.5s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [61_500, '1m1.5s'],
    [360_000, '6m0s'],
    [3_599_999, '59m59.999s'],
    [3_600_000, '1h0m0s'],
    [3_661_250, '1h1m1.25s'],
    [49_184_500, '13h39m44.5s'],
    [30 * 86_400_000, '720h0m0s'],
  ])('%p ms → %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});
