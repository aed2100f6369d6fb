import { parseTimeInput } from './time-input';

const NOW = 1_748_952_000; // 2025-06-03T12:00:00Z

describe('parseTimeInput', () => {
  it.each([
    ['1748908800', 1_748_908_800],
    ['2025-06-03', 1_748_908_800],
    ['2025-06-03T12:00Z', NOW],
    ['2025-06-03T12:00:00', NOW], // no zone: UTC, whatever the machine's zone
    ['2025-06-03T14:00:00+02:00', NOW],
    ['2025-06-03 12:00', NOW],
    ['90m', NOW - 5_400],
    ['24h', NOW - 86_400],
    ['7d', NOW - 7 * 86_400],
  ])('%s → %d', (text, seconds) => {
    expect(parseTimeInput(text, NOW)).toBe(seconds);
  });

  it.each(['yesterday', '7 days', '-7d', '2025-13-45', '2025/06/03', ''])('refuses %p', (text) => {
    expect(parseTimeInput(text, NOW)).toBeUndefined();
  });
});
