/**
 * Pure text formatting of the CLI's human output: aligned tables and `key: value` blocks. No I/O, so the
 * layout is unit-tested on its own; `Output` decides where the text goes.
 */

/** A cell value as the admin API returns it; `null` and `undefined` print as `-`. */
export type Cell = string | number | boolean | null | undefined;

/** What a missing value prints as. */
export const EMPTY_CELL = '-';

export function cellText(value: Cell): string {
  if (value === null || value === undefined || value === '') return EMPTY_CELL;
  return String(value);
}

/**
 * Columns padded to their widest cell, separated by two spaces, headers in upper case; the last column is
 * not padded (no trailing spaces). Each line ends with a newline; no rows still prints the header.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [headers.map((header) => header.toUpperCase()), ...rows.map((row) => row.map(cellText))];
  const widths = headers.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  return lines
    .map((line) =>
      headers
        .map((_, column) => {
          const text = line[column] ?? '';
          return column === headers.length - 1 ? text : text.padEnd(widths[column] ?? 0);
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** `key: value` lines with the values aligned one column after the longest key. */
export function formatRecord(pairs: readonly (readonly [string, Cell])[]): string {
  const width = Math.max(0, ...pairs.map(([key]) => key.length + 1));
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width)} ${cellText(value)}\n`).join('');
}

/** Unix seconds as an ISO 8601 UTC timestamp without milliseconds (`2025-06-03T12:00:00Z`). */
export function isoFromSeconds(seconds: number | null | undefined): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Unix milliseconds as `isoFromSeconds` does. */
export function isoFromMillis(millis: number | null | undefined): string | undefined {
  return typeof millis === 'number' ? isoFromSeconds(Math.floor(millis / 1000)) : undefined;
}

/** Integer micro-USD as dollars with up to 6 decimals, trailing zeros kept to cents (`12.50`, `0.000125`). */
export function usdFromMicros(micros: number | null | undefined): string | undefined {
  if (typeof micros !== 'number' || !Number.isFinite(micros)) return undefined;
  const sign = micros < 0 ? '-' : '';
  const absolute = Math.abs(Math.round(micros));
  const dollars = Math.floor(absolute / 1_000_000);
  const fraction = String(absolute % 1_000_000)
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}${dollars}.${fraction.padEnd(2, '0')}`;
}

/** One line of compact JSON, for nested values (a tool's parameters) inside a `key: value` block. */
export function compactJson(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : JSON.stringify(value);
}

/** Cuts `text` to `max` characters, marking the cut with `…`. */
export function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}
