import cluster, { type Worker } from 'node:cluster';
import type { JsonLogger } from '../infra/json-logger';
import { isClusterMessage } from './cluster-messages';
import { MetricsRelay } from './metrics-relay';
import { spillFileOf } from './outbox-spill-files';
import { RestartPolicy } from './restart-policy';
import { WORKER_INDEX_ENV } from './worker-count';

/** After the grace, workers have `EXIT_MARGIN_MS` (1.8 s) to exit on their own; the primary waits longer. */
const PRIMARY_EXIT_MARGIN_MS = 5_000;

export interface PrimaryOptions {
  /** Workers to keep running (`server.workers` resolved), at least 2. */
  readonly workers: number;
  readonly logger: JsonLogger;
  /** `server.shutdownGraceMs`: how long each worker drains; the primary's own bound is set after it. */
  readonly shutdownGraceMs: number;
  /** `redis.outbox.file` ('' for none): each worker gets its own spill file derived from it. */
  readonly outboxFile: string;
  readonly policy?: RestartPolicy;
}

/** One worker position, 0 … N-1: the worker in it is replaced when it dies, and keeps the slot's index. */
interface Slot {
  readonly index: number;
  worker: Worker | null;
  ready: boolean;
  restart: NodeJS.Timeout | null;
}

/**
 * The cluster's primary process (`server.workers` > 1, ADR 0019). It loads no Nest and serves nothing: it
 * forks the workers (each a complete gateway, sharing the listening port through `node:cluster`'s
 * round-robin), and then:
 *
 * - logs `listening` (with the URL and the worker count) once every worker said it serves, the line a
 *   single process logs when it is ready;
 * - forks a worker again in the same slot when one dies unexpectedly, per `RestartPolicy`: backing off, and
 *   giving up (exit 1) when workers keep dying before they serve, e.g. on a TLS file that is missing;
 *   each distinct boot failure is printed once on stderr, not once per worker and retry;
 * - on SIGTERM/SIGINT sends the same signal to every worker (each drains as a single process does:
 *   in-flight requests and streams finish within `server.shutdownGraceMs`, write-behind is flushed) and
 *   exits 0 once all have exited 0, 1 if one did not, or if they are not all gone `PRIMARY_EXIT_MARGIN_MS`
 *   after the grace (then the rest are killed);
 * - relays `/metrics` collections between workers (`MetricsRelay`).
 */
export function runPrimary(options: PrimaryOptions): void {
  const { logger, outboxFile } = options;
  const policy = options.policy ?? new RestartPolicy();
  const slots: Slot[] = Array.from({ length: options.workers }, (_, index) => ({
    index,
    worker: null,
    ready: false,
    restart: null,
  }));
  const reportedFailures = new Set<string>();
  let restarts = 0;
  let announced = false;
  let stopping: { failed: boolean } | null = null;
  const relay = new MetricsRelay(
    () => slots.flatMap((slot) => (slot.worker && slot.ready ? [slot.worker] : [])),
    () => restarts,
  );
  const live = () => slots.flatMap((slot) => (slot.worker ? [slot.worker] : []));

  const fork = (slot: Slot) => {
    slot.restart = null;
    const worker = cluster.fork({
      [WORKER_INDEX_ENV]: String(slot.index),
      ...(outboxFile ? { VOXGATE_OUTBOX_FILE: spillFileOf(outboxFile, slot.index) } : {}),
    });
    slot.worker = worker;
    slot.ready = false;
    logger.event('info', 'cluster.worker.started', { worker: slot.index, pid: worker.process.pid });
    worker.on('message', (message: unknown) => onMessage(slot, worker, message));
    worker.on('exit', (code: number | null, signal: string | null) => onExit(slot, worker, code, signal));
  };

  const onMessage = (slot: Slot, worker: Worker, message: unknown) => {
    if (!isClusterMessage(message)) return;
    switch (message.type) {
      case 'voxgate:ready':
        slot.ready = true;
        policy.ready();
        if (!announced && slots.every((each) => each.ready)) {
          announced = true;
          logger.event('info', 'listening', { url: message.url, workers: slots.length, pid: process.pid });
        }
        break;
      case 'voxgate:boot-failed': {
        const headline = message.error.split('\n')[0] ?? message.error;
        if (reportedFailures.has(headline)) break;
        reportedFailures.add(headline);
        process.stderr.write(`voxgate: failed to start (worker ${slot.index}): ${message.error}\n`);
        break;
      }
      case 'voxgate:metrics-scrape':
        relay.scrape(worker, message.id);
        break;
      case 'voxgate:metrics-part':
        relay.part(worker, message.id, message.text);
        break;
    }
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    relay.gone(worker);
    if (slot.worker === worker) slot.worker = null;
    const served = slot.ready;
    slot.ready = false;
    if (stopping) {
      // A worker killed by the signal before it served had nothing to drain; any other end must be code 0.
      if (code !== 0 && !(code === null && !served)) stopping.failed = true;
      if (live().length === 0) finish();
      return;
    }
    logger.event('error', 'cluster.worker.exited', {
      worker: slot.index,
      pid: worker.process.pid,
      code,
      signal,
      served,
    });
    const decision = policy.exited(served);
    if (decision.action === 'give-up') {
      logger.event('error', 'cluster.giving_up', { bootFailures: decision.bootFailures });
      process.stderr.write(
        `voxgate: workers keep failing at boot (${decision.bootFailures} in a row, see above): giving up\n`,
      );
      stop(null, true);
      return;
    }
    restarts += 1;
    logger.event('warn', 'cluster.worker.restarting', { worker: slot.index, inMs: decision.delayMs });
    slot.restart = setTimeout(() => fork(slot), decision.delayMs);
  };

  const stop = (signal: NodeJS.Signals | null, failed = false) => {
    if (stopping) return;
    stopping = { failed };
    for (const slot of slots) if (slot.restart) clearTimeout(slot.restart);
    const workers = live();
    logger.event('info', 'cluster.stopping', { signal, workers: workers.length });
    for (const worker of workers) worker.process.kill(signal ?? 'SIGTERM');
    if (workers.length === 0) finish();
    setTimeout(() => {
      const left = live();
      logger.event('error', 'shutdown.forced', { workers: left.length });
      for (const worker of left) worker.process.kill('SIGKILL');
      process.exit(1);
    }, options.shutdownGraceMs + PRIMARY_EXIT_MARGIN_MS).unref();
  };

  const finish = () => {
    const failed = stopping?.failed ?? true;
    logger.event(failed ? 'error' : 'info', 'cluster.stopped', { exitCode: failed ? 1 : 0 });
    process.exit(failed ? 1 : 0);
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.event('info', 'cluster.starting', { workers: slots.length, pid: process.pid });
  for (const slot of slots) fork(slot);
}
