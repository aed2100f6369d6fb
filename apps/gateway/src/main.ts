import 'reflect-metadata';
import path from 'node:path';
import { serviceVersionOf, startTelemetry } from '@voxgate/telemetry';
import { BatchRuntime } from './batch/batch-runtime';
import { createGatewayApp, createLogger, loadGatewayConfig } from './gateway-app';
import { armExitBackstop } from './infra/graceful-shutdown';
import { serverActivity, trimMemoryWhenIdle } from './infra/idle-memory-trim';

async function bootstrap(): Promise<void> {
  const logger = createLogger();
  const config = loadGatewayConfig();
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
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  // With `batch.runWorkerInGateway` (the default) `npm start` alone also runs batches.
  if (config.batch.runWorkerInGateway) app.get(BatchRuntime).startWorker();
  // Its timer is unref'd: it never holds up shutdown.
  trimMemoryWhenIdle({
    everyMs: config.server.idleTrimMs,
    busy: serverActivity(fastify.server),
    onTrim: (before, after) => logger.event('debug', 'memory trimmed', { rssBefore: before, rssAfter: after }),
  });
  const scheme = config.server.tls ? 'https' : 'http';
  logger.event('info', 'listening', { url: `${scheme}://${config.server.host}:${port}`, models: config.models.length });
}

void bootstrap().catch((error: unknown) => {
  process.stderr.write(`voxgate: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
