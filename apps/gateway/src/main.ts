import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import { failBoot, leaveWithPrimary } from './cluster/cluster-worker';
import { runPrimary } from './cluster/cluster-primary';
import { adoptOrphanSpills } from './cluster/outbox-spill-files';
import { workerCount, workerIndexOf } from './cluster/worker-count';
import { createLogger, loadGatewayConfig } from './gateway-config';

/**
 * `npm start`: one gateway process, or with `server.workers` > 1 a primary that forks that many (ADR 0019).
 * Nothing heavy is imported here: the primary never loads Nest; the gateway itself is imported only by the
 * process that serves.
 */
function main(): void {
  const config = loadGatewayConfig();
  const workers = workerCount(config.server.workers);
  if (cluster.isPrimary) {
    if (config.redis.outbox.file) adoptOrphanSpills(config.redis.outbox.file, workers);
    if (workers > 1) {
      const { shutdownGraceMs } = config.server;
      runPrimary({ workers, logger: createLogger(), shutdownGraceMs, outboxFile: config.redis.outbox.file });
      return;
    }
  }
  const worker = workerIndexOf(process.env, cluster.isWorker);
  if (worker !== null) leaveWithPrimary();
  // Required here, not imported above: loading it loads Nest and the whole gateway.
  const load = () => createRequire(__filename)('./serve-gateway') as typeof import('./serve-gateway');
  Promise.resolve()
    .then(() => load().serveGateway(config, worker))
    .catch((error: unknown) => {
      if (worker !== null) return failBoot(error);
      process.stderr.write(`voxgate: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}

main();
