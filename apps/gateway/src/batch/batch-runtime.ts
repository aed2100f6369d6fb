import { randomBytes } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type INestApplication,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  type BatchEnvironment,
  BatchJobQueue,
  BatchRepository,
  type BatchSettings,
  BatchWorker,
  FileRepository,
  ProcessBatch,
} from '@voxgate/batch';
import type { GatewayConfig } from '@voxgate/config';
import type { FastifyInstance } from 'fastify';
import { InternalCaller } from '../auth/internal-caller';
import { JsonLogger } from '../infra/json-logger';
import { countingLinesInFlight } from '../metrics/batch-lines-in-flight';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { BATCH_ENVIRONMENT, BATCH_SETTINGS } from './batch.tokens';
import { InjectLineExecutor } from './inject-line-executor';

/** The batch section of the config as the lib's settings. */
export function batchSettingsOf(config: GatewayConfig): BatchSettings {
  const { batch } = config;
  return {
    maxFileBytes: batch.maxFileBytes,
    maxLines: batch.maxLines,
    inputFileTtlSeconds: batch.inputFileTtlSeconds,
    outputFileTtlSeconds: batch.outputFileTtlSeconds,
    retentionSeconds: batch.retentionSeconds,
    lineConcurrency: batch.lineConcurrency,
    rateLimitMaxWaitMs: batch.rateLimitMaxWaitMs,
    serverErrorRetries: batch.serverErrorRetries,
    serverErrorBackoffMs: batch.serverErrorBackoffMs,
  };
}

export const batchEnvironment: BatchEnvironment = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  newId: (prefix) => `${prefix}${randomBytes(12).toString('hex')}`,
};

/** BullMQ's connection: the gateway's Redis, keys under `<keyPrefix>bull:`. */
export function batchQueueConnection(config: GatewayConfig) {
  return { url: config.redis.url, prefix: `${config.redis.keyPrefix}bull`, commandTimeoutMs: config.redis.commandTimeoutMs };
}

/**
 * The batch queue's lifecycle in a Nest app: the producer (always), and the worker once `startWorker` is
 * called (by `main.ts` when `batch.runWorkerInGateway`, or by the worker app). On shutdown the worker
 * stops first, while the app can still run the lines in flight; the producer closes last.
 */
@Injectable()
export class BatchRuntime implements BeforeApplicationShutdown, OnApplicationShutdown {
  private worker: BatchWorker | null = null;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(BATCH_SETTINGS) private readonly settings: BatchSettings,
    @Inject(BATCH_ENVIRONMENT) private readonly env: BatchEnvironment,
    private readonly logger: JsonLogger,
    private readonly batches: BatchRepository,
    private readonly files: FileRepository,
    private readonly queue: BatchJobQueue,
    private readonly internal: InternalCaller,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Starts consuming batch jobs; lines run through `app`'s own HTTP pipeline. */
  startWorker(app: INestApplication): void {
    if (this.worker) return;
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    const executor = countingLinesInFlight(new InjectLineExecutor(fastify, this.internal), this.metrics.batchLinesInFlight);
    const process = new ProcessBatch(this.batches, this.files, executor, this.settings, this.env);
    this.worker = new BatchWorker(
      process,
      batchQueueConnection(this.config),
      { concurrency: this.config.batch.workerConcurrency },
      (level, message, fields) => this.logger.event(level, message, fields),
    );
    this.worker.start();
    this.logger.event('info', 'batch worker started', { concurrency: this.config.batch.workerConcurrency });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close(this.config.server.shutdownGraceMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
