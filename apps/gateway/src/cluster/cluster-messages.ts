/**
 * The IPC messages between the cluster's primary and its workers (ADR 0019). Every message is a plain
 * object whose `type` starts with `voxgate:`, so Node's own cluster messages (`NODE_CLUSTER`) and anything
 * else on the channel are ignored.
 */
export type ClusterMessage =
  /** Worker → primary: the worker listens and serves; `url` is what it listens on. */
  | { readonly type: 'voxgate:ready'; readonly url: string }
  /** Worker → primary, just before it exits 1: why it could not start (the primary reports it once). */
  | { readonly type: 'voxgate:boot-failed'; readonly error: string }
  /** Worker → primary: `/metrics` was asked of this worker; `id` is the worker's own request number. */
  | { readonly type: 'voxgate:metrics-scrape'; readonly id: number }
  /** Primary → every worker: render your registry for scrape `id`. */
  | { readonly type: 'voxgate:metrics-collect'; readonly id: number }
  /** Worker → primary: this worker's exposition text for scrape `id`. */
  | { readonly type: 'voxgate:metrics-part'; readonly id: number; readonly text: string }
  /** Primary → the asking worker: the parts that answered in time, and the group's state. */
  | { readonly type: 'voxgate:metrics-scraped'; readonly id: number; readonly scrape: ClusterScrape };

/** What the primary hands back for one `/metrics` scrape. */
export interface ClusterScrape {
  /** The exposition text of every worker that answered within the bound, each rendered by that worker. */
  readonly parts: readonly string[];
  /** Workers serving when the scrape was asked (a worker still booting is not counted). */
  readonly running: number;
  /** Workers the primary forked again after one died unexpectedly, since it started. */
  readonly restarts: number;
}

const TYPES: ReadonlySet<string> = new Set([
  'voxgate:ready',
  'voxgate:boot-failed',
  'voxgate:metrics-scrape',
  'voxgate:metrics-collect',
  'voxgate:metrics-part',
  'voxgate:metrics-scraped',
]);

/** True for the messages above (the shape is trusted: both ends are this code base, one process group). */
export function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    TYPES.has((message as { type: string }).type)
  );
}
