import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The outbox's spill file: pending entries written at shutdown, one JSON document per line, replayed at
 * the next start. Entries must be plain JSON data.
 *
 * - `spill` replaces the file atomically (write to `<file>.tmp`, rename), so a crash mid-write leaves the
 *   previous file or the complete new one. It appends nothing when there is nothing pending and removes
 *   a stale file in that case, so a replayed file is not replayed twice.
 * - `take` reads the file and removes it; the caller adds the entries to its outbox, which writes them
 *   idempotently. A line that is not JSON is skipped and reported.
 */
export class OutboxFile {
  constructor(private readonly file: string) {}

  spill(entries: readonly unknown[]): void {
    if (entries.length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, entries.map((entry) => JSON.stringify(entry)).join('\n') + '\n', { mode: 0o600 });
    renameSync(temporary, this.file);
  }

  take(onBadLine: (line: number) => void = () => undefined): unknown[] {
    if (!existsSync(this.file)) return [];
    const lines = readFileSync(this.file, 'utf8').split('\n');
    rmSync(this.file, { force: true });
    const entries: unknown[] = [];
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        entries.push(JSON.parse(line) as unknown);
      } catch {
        onBadLine(index + 1);
      }
    });
    return entries;
  }
}
