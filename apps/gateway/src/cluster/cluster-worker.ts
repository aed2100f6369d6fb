import type { MetricsRegistry } from '@voxgate/metrics';
import { type ClusterMessage, type ClusterScrape, isClusterMessage } from './cluster-messages';

/*
 * The worker's side of the cluster (ADR 0019): tell the primary when it serves or why it could not start,
 * answer the primary's metrics collections, ask it for the group's metrics, and leave when the primary is
 * gone. Only used when `cluster.isWorker` (the process has an IPC channel to the primary).
 */

/** How long a worker's `/metrics` waits for the primary's answer before answering with its own series. */
const SCRAPE_TIMEOUT_MS = 3_000;

function send(message: ClusterMessage): void {
  if (process.connected) process.send?.(message);
}

/** Tells the primary this worker listens at `url` and serves. */
export function reportReady(url: string): void {
  send({ type: 'voxgate:ready', url });
}

/**
 * Tells the primary why this worker could not start, then exits 1. The primary reports each distinct
 * failure once (N workers failing alike would otherwise print it N times on every retry).
 */
export function failBoot(error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.connected && process.send) {
    process.send({ type: 'voxgate:boot-failed', error: text } satisfies ClusterMessage, () => process.exit(1));
    // Exits when the message is handed over; the timer only guards a channel that never drains.
    setTimeout(() => process.exit(1), 1_000).unref();
  } else {
    process.stderr.write(`voxgate: failed to start: ${text}\n`);
    process.exit(1);
  }
}

/**
 * From the start of a worker: when the IPC channel closes (the primary died without stopping it), act as
 * on SIGTERM (drain, or simply die while still booting), so no worker outlives its primary.
 */
export function leaveWithPrimary(): void {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** Wires this worker into the group's metrics: it renders its registry when the primary collects. */
export function joinCluster(registry: MetricsRegistry): void {
  process.on('message', (message: unknown) => {
    if (!isClusterMessage(message)) return;
    if (message.type === 'voxgate:metrics-collect') {
      void registry.render().then((text) => send({ type: 'voxgate:metrics-part', id: message.id, text }));
    } else if (message.type === 'voxgate:metrics-scraped') {
      scrapes.get(message.id)?.(message.scrape);
    }
  });
}

const scrapes = new Map<number, (scrape: ClusterScrape) => void>();
let lastScrapeId = 0;

/**
 * The metrics of every worker, collected by the primary (each renders its own registry). If the primary
 * does not answer within `SCRAPE_TIMEOUT_MS`, `null`: the caller answers with this worker's series alone.
 */
export function scrapeCluster(): Promise<ClusterScrape | null> {
  const id = ++lastScrapeId;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      scrapes.delete(id);
      resolve(null);
    }, SCRAPE_TIMEOUT_MS);
    scrapes.set(id, (scrape) => {
      clearTimeout(timer);
      scrapes.delete(id);
      resolve(scrape);
    });
    send({ type: 'voxgate:metrics-scrape', id });
  });
}
