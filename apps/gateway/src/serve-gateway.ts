import 'reflect-metadata';
import path from 'node:path';
import type { GatewayConfig } from '@voxgate/config';
import { MetricsRegistry } from '@voxgate/metrics';
import { serviceVersionOf, startTelemetry } from '@voxgate/telemetry';
import { BatchRuntime } from './batch/batch-runtime';
import { joinCluster, reportReady } from './cluster/cluster-worker';
import { WorkerLogger } from './cluster/worker-logger';
import { createGatewayApp } from './gateway-app';
import { createLogger, logLevel } from './gateway-config';
import { armExitBackstop } from './infra/graceful-shutdown';
import { serverActivity, trimMemoryWhenIdle } from './infra/idle-memory-trim';
import { processAllocator } from './infra/process-allocator';

/**
 * Runs one complete gateway in this process until SIGTERM/SIGINT: the process serving alone
 * (`server.workers` 1, `worker` null), or cluster worker `worker` (0 … N-1; ADR 0019). A worker differs in
 * four ways only: its log lines carry `worker`; it logs `worker.listening` and tells the primary, which logs
 * `listening` once all serve; only worker 0 runs the batch worker (`batch.runWorkerInGateway`), so the
 * group runs `batch.workerConcurrency` batches, not N times that; and `/metrics` answers for the group.
 */
export async function serveGateway(config: GatewayConfig, worker: number | null): Promise<void> {
  const logger = worker === null ? createLogger() : new WorkerLogger(logLevel(), worker);
  // Before Nest boots, so every span of the process reaches the configured exporter.
  const telemetry = startTelemetry(
    config.telemetry,
    { version: serviceVersionOf(path.resolve(__dirname, '../../../../package.json')) },
    { onWarning: (message) => logger.event('warn', 'telemetry', { message }) },
  );
  const app = await createGatewayApp(config, logger);
  armExitBackstop(config.server.shutdownGraceMs, logger);
  const fastify = app.getHttpAdapter().getInstance();
  // Shutdown hooks (SIGTERM/SIGINT) close Fastify: flush pending spans then.
  fastify.addHook('onClose', () => telemetry.shutdown());
  if (worker !== null) joinCluster(app.get(MetricsRegistry));
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  // With `batch.runWorkerInGateway` (the default) `npm start` alone also runs batches.
  if (config.batch.runWorkerInGateway && (worker ?? 0) === 0) app.get(BatchRuntime).startWorker();
  // Its timer is unref'd: it never holds up shutdown.
  const allocator = processAllocator();
  trimMemoryWhenIdle({
    everyMs: config.server.idleTrimMs,
    busy: serverActivity(fastify.server),
    trim: allocator.release,
    onTrim: (before, after, collection) =>
      logger.event('debug', 'memory trimmed', {
        allocator: allocator.name,
        collection,
        // False where the allocator cannot be asked (musl, no koffi): only V8's collection ran.
        released: allocator.release !== null,
        rssBefore: before,
        rssAfter: after,
      }),
  });
  const scheme = config.server.tls ? 'https' : 'http';
  const url = `${scheme}://${config.server.host}:${port}`;
  if (worker === null) {
    logger.event('info', 'listening', { url, models: config.models.length, allocator: allocator.name });
  } else {
    logger.event('info', 'worker.listening', {
      url,
      pid: process.pid,
      models: config.models.length,
      allocator: allocator.name,
    });
    reportReady(url);
  }
}
