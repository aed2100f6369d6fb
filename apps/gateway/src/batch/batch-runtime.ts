import { randomBytes } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  type BatchEnvironment,
  BatchJobQueue,
  type BatchQueueConnection,
  BatchRepository,
  type BatchSettings,
  BatchWorker,
  FileRepository,
  ProcessBatch,
} from '@voxgate/batch';
import { type GatewayConfig, SecretRedactor } from '@voxgate/config';
import { AuthenticateKeyId } from '@voxgate/tenancy';
import { CompletionPipeline } from '../chat/completion-pipeline';
import { JsonLogger } from '../infra/json-logger';
import { openRedis } from '../infra/redis-connection';
import { countingLinesInFlight } from '../metrics/batch-lines-in-flight';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { BATCH_ENVIRONMENT, BATCH_SETTINGS } from './batch.tokens';
import { PipelineLineExecutor } from './pipeline-line-executor';

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

/**
 * BullMQ's connection: the gateway's Redis in its mode, keys under `<keyPrefix>bull:`. On a Redis Cluster
 * the prefix is a hash tag, `{<keyPrefix>bull}:`, so each queue's keys (which BullMQ's scripts touch
 * together) share one slot, as BullMQ's cluster guide requires.
 */
export function batchQueueConnection(config: GatewayConfig): BatchQueueConnection {
  const { redis } = config;
  return {
    connect: (role) => openRedis(redis, role === 'producer' ? 'queue-producer' : 'queue-worker'),
    prefix: redis.mode === 'cluster' ? `{${redis.keyPrefix}bull}` : `${redis.keyPrefix}bull`,
  };
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
    private readonly pipeline: CompletionPipeline,
    private readonly authenticateKeyId: AuthenticateKeyId,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Starts consuming batch jobs (once the app is initialised); each line is a `CompletionPipeline` call (ADR 0018). */
  startWorker(): void {
    if (this.worker) return;
    const executor = countingLinesInFlight(
      new PipelineLineExecutor({
        pipeline: this.pipeline,
        authenticateKeyId: this.authenticateKeyId,
        logger: this.logger,
        redactor: SecretRedactor.fromConfig(this.config),
        metrics: this.metrics,
        bodyLimitBytes: this.config.server.bodyLimitBytes,
      }),
      this.metrics.batchLinesInFlight,
    );
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
