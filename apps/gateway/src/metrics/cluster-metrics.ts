import type { MetricsRegistry } from '@voxgate/metrics';
import type { ClusterScrape } from '../cluster/cluster-messages';
import { scrapeCluster } from '../cluster/cluster-worker';
import { mergeExpositions } from './merge-expositions';

/**
 * `/metrics` in a cluster worker (`server.workers` > 1, ADR 0019): the series of every worker, collected
 * over IPC by the primary and merged (`mergeExpositions`), plus the group's own families:
 *
 * - `voxgate_cluster_workers{state}`: `running` (workers serving when the scrape was asked) and `scraped`
 *   (those whose series are in this answer; fewer than `running` when a worker did not answer in time);
 * - `voxgate_cluster_worker_restarts_total`: workers forked again after one died unexpectedly.
 *
 * If the primary does not answer at all, this worker's own series, with `scraped` 1 and no `running`.
 */
export async function renderClusterMetrics(registry: MetricsRegistry): Promise<string> {
  const scrape = await scrapeCluster();
  if (!scrape) return mergeExpositions([await registry.render(), groupFamilies(null, 1)]);
  return mergeExpositions([...scrape.parts, groupFamilies(scrape, scrape.parts.length)]);
}

function groupFamilies(scrape: ClusterScrape | null, scraped: number): string {
  return [
    '# HELP voxgate_cluster_workers Worker processes of this gateway: running, and scraped into this answer.',
    '# TYPE voxgate_cluster_workers gauge',
    ...(scrape ? [`voxgate_cluster_workers{state="running"} ${scrape.running}`] : []),
    `voxgate_cluster_workers{state="scraped"} ${scraped}`,
    ...(scrape
      ? [
          '# HELP voxgate_cluster_worker_restarts_total Workers forked again after one died unexpectedly.',
          '# TYPE voxgate_cluster_worker_restarts_total counter',
          `voxgate_cluster_worker_restarts_total ${scrape.restarts}`,
        ]
      : []),
    '',
  ].join('\n');
}
