/**
 * A point in time as ops type it on the command line, as unix seconds (what the usage API takes):
 *
 * - unix seconds: `1748908800`;
 * - an ISO 8601 date or date-time: `2025-06-03` (midnight UTC), `2025-06-03T12:00:00Z`, `2025-06-03T14:00+02:00`;
 * - a duration before `nowSeconds`: `90m`, `24h`, `7d`.
 *
 * Returns `undefined` for anything else, so the caller can name the option in its message.
 */
export function parseTimeInput(text: string, nowSeconds: number): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const ago = /^(\d+)([mhd])$/.exec(value);
  if (ago) {
    const unit = { m: 60, h: 3_600, d: 86_400 }[ago[2] as 'm' | 'h' | 'd'];
    return nowSeconds - Number(ago[1]) * unit;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  // A date-time without a zone is read as UTC, like a bare date, so the result never depends on the machine.
  const zoned = /[T ]\d{2}:\d{2}/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
  const millis = Date.parse(zoned.replace(' ', 'T'));
  return Number.isNaN(millis) ? undefined : Math.floor(millis / 1000);
}
