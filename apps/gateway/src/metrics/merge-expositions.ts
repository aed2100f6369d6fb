import { formatValue } from '@voxgate/metrics';

/**
 * Gauges whose workers each report the same thing, or a state where the worst one matters: aggregated
 * with `max` rather than summed. `voxgate_batch_queue_jobs` is sampled from the shared queue (every worker
 * sees the same depth); `voxgate_provider_circuit_state` is each worker's own breaker (0 closed, 1
 * half-open, 2 open): the group reports the most open one.
 */
export const MAX_AGGREGATED_GAUGES: ReadonlySet<string> = new Set([
  'voxgate_batch_queue_jobs',
  'voxgate_provider_circuit_state',
]);

interface MergedFamily {
  readonly header: string[];
  readonly max: boolean;
  readonly samples: Map<string, number>;
}

/**
 * One exposition (text format 0.0.4) for the whole process group, from each worker's own rendering
 * (ADR 0019): every sample line (`name{labels} value`) is summed across workers by its exact name and
 * labels, which is right for counters, histogram buckets, sums and counts, and for gauges of things in
 * flight; the gauges in `MAX_AGGREGATED_GAUGES` take the largest value instead. Families keep the order
 * they first appear in, samples likewise. Every worker runs the same code, so families, label order and
 * bucket bounds agree; a sample one worker lacks simply counts as absent there.
 */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, MergedFamily>();
  for (const text of texts) {
    let family: MergedFamily | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('# ')) {
        const [, , name = ''] = line.split(' ', 3);
        family = families.get(name);
        if (!family) {
          family = { header: [], max: MAX_AGGREGATED_GAUGES.has(name), samples: new Map() };
          families.set(name, family);
        }
        if (!family.header.includes(line)) family.header.push(line);
        continue;
      }
      if (!family) continue; // a sample before any header: not something our registry renders
      // Label values may hold spaces; the value (no timestamps are rendered) is after the last one.
      const space = line.lastIndexOf(' ');
      const series = line.slice(0, space);
      const value = Number(line.slice(space + 1).replace('Inf', 'Infinity'));
      const before = family.samples.get(series);
      if (before === undefined) family.samples.set(series, value);
      else family.samples.set(series, family.max ? Math.max(before, value) : before + value);
    }
  }
  const lines: string[] = [];
  for (const family of families.values()) {
    lines.push(...family.header);
    for (const [series, value] of family.samples) lines.push(`${series} ${formatValue(value)}`);
  }
  return lines.join('\n') + '\n';
}
