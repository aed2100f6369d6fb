import 'reflect-metadata';
import path from 'node:path';
import { serviceVersionOf, startTelemetry } from '@voxgate/telemetry';
import { BatchRuntime } from '../../gateway/src/batch/batch-runtime';
import { createGatewayApp, createLogger, loadGatewayConfig } from '../../gateway/src/gateway-app';
import { armExitBackstop } from '../../gateway/src/infra/graceful-shutdown';

/**
 * A dedicated batch worker (`npm run start:worker`): the gateway's application, initialised but not
 * listening, consuming the batch queue. Lines run through the same `CompletionPipeline` as the gateway's
 * HTTP requests and its own worker (ADR 0018). Scale by running more of these; SIGTERM lets running lines
 * finish and hands unfinished batches back to the queue.
 */
async function bootstrap(): Promise<void> {
  const logger = createLogger();
  const config = loadGatewayConfig();
  // Batch lines are traced like HTTP requests; the worker names itself so its spans are told apart.
  const telemetry = startTelemetry(
    { ...config.telemetry, serviceName: `${config.telemetry.serviceName}-worker` },
    { version: serviceVersionOf(path.resolve(__dirname, '../../../../package.json')) },
    { onWarning: (message) => logger.event('warn', 'telemetry', { message }) },
  );
  const app = await createGatewayApp(config, logger);
  armExitBackstop(config.server.shutdownGraceMs, logger);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', () => telemetry.shutdown());
  await app.init();
  app.get(BatchRuntime).startWorker();
  logger.event('info', 'worker ready', { concurrency: config.batch.workerConcurrency });
}

void bootstrap().catch((error: unknown) => {
  process.stderr.write(`voxgate-worker: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
