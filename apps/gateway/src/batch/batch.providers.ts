import type { Provider } from '@nestjs/common';
import {
  type BatchEnvironment,
  BatchJobQueue,
  BatchRepository,
  type BatchSettings,
  CancelBatch,
  CreateBatch,
  DeleteFile,
  DownloadFile,
  FileRepository,
  ListBatches,
  ListFiles,
  RetrieveBatch,
  RetrieveFile,
  UploadFile,
} from '@voxgate/batch';
import type { GatewayConfig } from '@voxgate/config';
import { ApiKeyRepository, AuthenticateKeyId } from '@voxgate/tenancy';
import type { Redis } from 'ioredis';
import { REDIS } from '../infra/tokens';
import { BATCH_ENVIRONMENT, BATCH_SETTINGS } from './batch.tokens';
import { BatchesController } from './batches.controller';
import { batchEnvironment, batchQueueConnection, BatchRuntime, batchSettingsOf } from './batch-runtime';
import { FilesController } from './files.controller';

export const BATCH_CONTROLLERS = [FilesController, BatchesController];

/** Everything `/v1/files`, `/v1/batches` and the batch worker need, built from the validated config. */
export function batchProviders(config: GatewayConfig): Provider[] {
  const settings = batchSettingsOf(config);
  const factory = <T>(
    provide: abstract new (...args: never[]) => T,
    inject: unknown[],
    useFactory: (...args: never[]) => T,
  ) => ({ provide, inject: inject as never[], useFactory }) as Provider;
  return [
    { provide: BATCH_SETTINGS, useValue: settings },
    { provide: BATCH_ENVIRONMENT, useValue: batchEnvironment },
    factory(AuthenticateKeyId, [ApiKeyRepository], (keys: ApiKeyRepository) => new AuthenticateKeyId(keys)),
    factory(FileRepository, [REDIS], (redis: Redis) => new FileRepository(redis)),
    factory(BatchRepository, [REDIS], (redis: Redis) => new BatchRepository(redis)),
    factory(BatchJobQueue, [], () => new BatchJobQueue(batchQueueConnection(config))),
    factory(
      UploadFile,
      [FileRepository, BATCH_ENVIRONMENT],
      (files: FileRepository, env: BatchEnvironment) => new UploadFile(files, settings, env),
    ),
    factory(ListFiles, [FileRepository], (files: FileRepository) => new ListFiles(files)),
    factory(RetrieveFile, [FileRepository], (files: FileRepository) => new RetrieveFile(files)),
    factory(DownloadFile, [FileRepository], (files: FileRepository) => new DownloadFile(files)),
    factory(DeleteFile, [FileRepository], (files: FileRepository) => new DeleteFile(files)),
    factory(
      CreateBatch,
      [BatchRepository, FileRepository, BatchJobQueue, BATCH_ENVIRONMENT],
      (batches: BatchRepository, files: FileRepository, queue: BatchJobQueue, env: BatchEnvironment) =>
        new CreateBatch(batches, files, queue, settings satisfies BatchSettings, env),
    ),
    factory(ListBatches, [BatchRepository], (batches: BatchRepository) => new ListBatches(batches)),
    factory(RetrieveBatch, [BatchRepository], (batches: BatchRepository) => new RetrieveBatch(batches)),
    factory(
      CancelBatch,
      [BatchRepository, BATCH_ENVIRONMENT],
      (batches: BatchRepository, env: BatchEnvironment) => new CancelBatch(batches, env),
    ),
    BatchRuntime,
  ];
}
