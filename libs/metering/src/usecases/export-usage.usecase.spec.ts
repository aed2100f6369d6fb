import { useTestRedis } from '@voxgate/testing';
import { byTimeThenId, DAY_START_MS, randomEvents, usageEvent } from '../__fixtures__/usage-event.factory';
import { UsageRepository } from '../repositories/usage.repository';
import { type UsageEvent, UsageEventSchema } from '../usage-event';
import { ExportUsage } from './export-usage.usecase';
import { UsageExportInputSchema } from './usage-query.inputs';

const DAY_START = DAY_START_MS / 1000;
const COLUMNS = Object.keys(UsageEventSchema.shape);

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"' && field === '') {
      index++;
      for (;;) {
        if (index >= text.length) throw new Error('unterminated quoted field');
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            field += '"';
            index += 2;
          } else {
            index++;
            break;
          }
        } else {
          field += text[index];
          index++;
        }
      }
      const next = text[index];
      if (next !== ',' && next !== '\r') throw new Error(`unexpected ${JSON.stringify(next)} after a quoted field`);
      continue;
    }
    if (char === ',') {
      row.push(field);
      field = '';
      index++;
    } else if (char === '\r') {
      if (text[index + 1] !== '\n') throw new Error('bare CR outside quotes');
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 2;
    } else if (char === '\n' || char === '"') {
      throw new Error(`bare ${JSON.stringify(char)} outside quotes at ${index}`);
    } else {
      field += char;
      index++;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last record does not end with CRLF');
  return rows;
}

/** Reads a CSV row back into an event, by the header's column names. */
function eventOfRow(header: string[], row: string[]): UsageEvent {
  const record = Object.fromEntries(header.map((column, index) => [column, row[index]]));
  const value = (column: string): unknown => {
    const text = record[column] ?? '';
    if (column === 'key_id') return text === '' ? null : text;
    if (text === 'true' || text === 'false') return text === 'true';
    return /^\d+$/.test(text) && !['id', 'tenant_id', 'model', 'provider'].includes(column) ? Number(text) : text;
  };
  return UsageEventSchema.parse(Object.fromEntries(header.map((column) => [column, value(column)])));
}

describe('ExportUsage (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build(events: readonly UsageEvent[]) {
    const repository = new UsageRepository(testRedis().redis, 30 * 86_400_000);
    await Promise.all(events.map((event) => repository.recordOnce(event)));
    const exporter = new ExportUsage(repository);
    return async (tenantIds: readonly string[], input: Record<string, unknown>, now = DAY_START + 86_400) => {
      let text = '';
      for await (const piece of exporter.execute(tenantIds, UsageExportInputSchema.parse(input), now)) text += piece;
      return text;
    };
  }

  // More than two export pages (500) per tenant, many events per millisecond.
  const EVENTS = randomEvents({
    count: 1_400,
    seed: 99,
    fromMs: DAY_START_MS,
    spanMs: 60_000, // 60 distinct timestamps: ~23 events share each one
    tenants: ['ten_1', 'ten_2'],
    models: ['gpt-4o-audio-preview-2025-06-03', 'gpt-4o-mini-2024-07-18'],
    keys: ['key_a', null],
  });

  it('JSONL: one event object per line, every event exactly once, tenant by tenant, oldest first', async () => {
    const exportUsage = await build(EVENTS);
    const text = await exportUsage(['ten_1', 'ten_2'], {
      start_time: String(DAY_START),
      end_time: String(DAY_START + 3_600),
    });
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    const events = lines.map((line) => UsageEventSchema.parse(JSON.parse(line)));
    const expected = ['ten_1', 'ten_2'].flatMap((tenant) =>
      EVENTS.filter((event) => event.tenant_id === tenant).sort(byTimeThenId),
    );
    expect(events).toHaveLength(1_400);
    expect(events).toEqual(expected);
  });

  it('only exports the asked tenants and [start_time, end_time), and without end_time up to now', async () => {
    const exportUsage = await build([
      usageEvent({ id: 'before', created_at_ms: DAY_START_MS - 1 }),
      usageEvent({ id: 'first', created_at_ms: DAY_START_MS }),
      usageEvent({ id: 'last', created_at_ms: DAY_START_MS + 9_999 }),
      usageEvent({ id: 'at-end', created_at_ms: DAY_START_MS + 10_000 }),
      usageEvent({ id: 'other-tenant', tenant_id: 'ten_2', created_at_ms: DAY_START_MS + 1 }),
    ]);
    const ids = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as UsageEvent).id);
    expect(
      ids(await exportUsage(['ten_1'], { start_time: String(DAY_START), end_time: String(DAY_START + 10) })),
    ).toEqual(['first', 'last']);
    // `now` is in seconds; the whole current second is included.
    expect(ids(await exportUsage(['ten_1'], { start_time: String(DAY_START) }, DAY_START + 10))).toEqual([
      'first',
      'last',
      'at-end',
    ]);
    expect(await exportUsage(['ten_3'], { start_time: String(DAY_START) })).toBe('');
  });

  it('CSV: a header row, then one RFC 4180 row per event that reads back to the same event', async () => {
    const tricky = [
      usageEvent({ id: 'comma,id', model: 'model "quoted"', created_at_ms: DAY_START_MS + 1 }),
      usageEvent({ id: 'newline\nid', tenant_id: 'ten_1', provider: 'line\r\nbreak', created_at_ms: DAY_START_MS + 2 }),
      usageEvent({ id: 'plain', key_id: null, estimated: true, stream: true, created_at_ms: DAY_START_MS + 3 }),
    ];
    const exportUsage = await build([...tricky, ...EVENTS.filter((event) => event.tenant_id === 'ten_1')]);
    const text = await exportUsage(['ten_1'], {
      start_time: String(DAY_START),
      end_time: String(DAY_START + 3_600),
      format: 'csv',
    });
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(COLUMNS);
    const events = rows.map((row) => eventOfRow(header!, row));
    const expected = [...tricky, ...EVENTS.filter((event) => event.tenant_id === 'ten_1')].sort(byTimeThenId);
    expect(events).toEqual(expected);
    expect(text).toContain('"comma,id",');
    expect(text).toContain(',"model ""quoted""",');
    // An empty export is just the header.
    expect(await exportUsage(['ten_9'], { start_time: String(DAY_START), format: 'csv' })).toBe(
      `${COLUMNS.join(',')}\r\n`,
    );
  });
});
