import type { UsageRepository } from '../repositories/usage.repository';
import { type UsageEvent, UsageEventSchema } from '../usage-event';
import type { UsageExportInput } from './usage-query.inputs';

const COLUMNS = Object.keys(UsageEventSchema.shape) as (keyof UsageEvent)[];
const PAGE = 500;

/**
 * Raw events of a period as JSONL (one event object per line) or CSV (header row, then one row per
 * event, RFC 4180 quoting), tenant by tenant, oldest first. Yields text pieces for streaming.
 */
export class ExportUsage {
  constructor(private readonly usage: UsageRepository) {}

  async *execute(tenantIds: readonly string[], input: UsageExportInput, nowSeconds: number): AsyncGenerator<string> {
    const from = input.start_time * 1000;
    const to = (input.end_time ?? nowSeconds + 1) * 1000;
    if (input.format === 'csv') yield COLUMNS.join(',') + '\r\n';
    for (const tenantId of tenantIds) {
      let cursor: string | null = null;
      do {
        const page = await this.usage.events(tenantId, from, to, PAGE, cursor);
        if (page.events.length > 0) yield page.events.map((event) => line(event, input.format)).join('');
        cursor = page.nextCursor;
      } while (cursor);
    }
  }
}

function line(event: UsageEvent, format: 'jsonl' | 'csv'): string {
  if (format === 'jsonl') return JSON.stringify(event) + '\n';
  return COLUMNS.map((column) => csvField(event[column])).join(',') + '\r\n';
}

function csvField(value: UsageEvent[keyof UsageEvent]): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
