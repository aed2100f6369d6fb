import type { Worker } from 'node:cluster';
import type { ClusterMessage, ClusterScrape } from './cluster-messages';

/** How long the primary waits for the workers' parts of one scrape (each bounds its collectors to 1 s). */
const COLLECT_TIMEOUT_MS = 2_000;

interface Collection {
  readonly parts: string[];
  readonly waitingFor: Set<number>;
  readonly finish: () => void;
}

/**
 * The primary's side of `/metrics` in a cluster: a worker asks (`voxgate:metrics-scrape`), the primary asks
 * every serving worker for its exposition (`voxgate:metrics-collect`) and hands the parts that arrived
 * within `COLLECT_TIMEOUT_MS` back to the asking worker, which merges them. The primary never parses
 * metrics: it only relays text.
 */
export class MetricsRelay {
  private readonly collections = new Map<number, Collection>();
  private lastId = 0;

  constructor(
    /** The workers serving now (said they were ready, not yet exited). */
    private readonly serving: () => readonly Worker[],
    /** Restarts so far (reported with every scrape). */
    private readonly restarts: () => number,
  ) {}

  /** `asker` asked for the group's metrics under its own request `id`. */
  scrape(asker: Worker, id: number): void {
    const workers = this.serving();
    const collectId = ++this.lastId;
    const parts: string[] = [];
    const waitingFor = new Set(workers.map((worker) => worker.id));
    const running = workers.length;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.collections.delete(collectId);
      const scrape: ClusterScrape = { parts, running, restarts: this.restarts() };
      if (asker.isConnected()) asker.send({ type: 'voxgate:metrics-scraped', id, scrape } satisfies ClusterMessage);
    };
    const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
    this.collections.set(collectId, { parts, waitingFor, finish });
    for (const worker of workers)
      worker.send({ type: 'voxgate:metrics-collect', id: collectId } satisfies ClusterMessage);
    if (waitingFor.size === 0) finish();
  }

  /** `worker`'s part of collection `id`. */
  part(worker: Worker, id: number, text: string): void {
    const collection = this.collections.get(id);
    if (!collection || !collection.waitingFor.delete(worker.id)) return;
    collection.parts.push(text);
    if (collection.waitingFor.size === 0) collection.finish();
  }

  /** `worker` exited: collections stop waiting for it. */
  gone(worker: Worker): void {
    for (const collection of this.collections.values()) {
      if (collection.waitingFor.delete(worker.id) && collection.waitingFor.size === 0) collection.finish();
    }
  }
}
