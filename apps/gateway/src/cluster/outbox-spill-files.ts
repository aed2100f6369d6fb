import { appendFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * The outbox spill file of worker `index` (`redis.outbox.file` is `file`): worker 0 keeps `file` itself,
 * so a single process and worker 0 read and write the same file; worker i ≥ 1 uses `file.<i>`. Two
 * processes never share a spill file (each one's is replaced whole at its shutdown).
 */
export function spillFileOf(file: string, index: number): string {
  return index === 0 ? file : `${file}.${index}`;
}

/**
 * Run before any worker starts (by the primary, or by a process serving alone, `workers` = 1): the spill
 * files of worker slots that no longer exist (`file.<i>` with i ≥ `workers`, left when the worker count
 * went down) are appended to `file`, which worker 0 replays at its boot, and removed. Their entries are
 * idempotent writes, so a crash between the append and the removal at worst writes one twice, harmlessly.
 * Returns how many files were adopted.
 */
export function adoptOrphanSpills(file: string, workers: number): number {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no directory yet: nothing was ever spilled
  }
  let adopted = 0;
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (!/^[1-9][0-9]*$/.test(suffix) || Number(suffix) < workers) continue;
    const orphan = path.join(dir, name);
    const text = readFileSync(orphan, 'utf8');
    if (text.trim() !== '') appendFileSync(file, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
    rmSync(orphan, { force: true });
    adopted += 1;
  }
  return adopted;
}
