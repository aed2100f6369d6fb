import { type CreateBatchRequest, Errors, type OpenAIBatchObject } from '@voxgate/openai-wire';
import { type BatchEnvironment, type BatchSettings, COMPLETION_WINDOW_SECONDS } from '../batch.settings';
import type { FileRepository } from '../files/file.repository';
import type { BatchJobScheduler } from '../queue/batch-jobs';
import type { BatchRepository } from './batch.repository';
import { toOpenAIBatch } from './batch-views';
import type { StoredBatch } from './stored-batch';

/** The only batch endpoint Voxgate runs. */
export const SUPPORTED_BATCH_ENDPOINT = '/v1/chat/completions';

/**
 * `POST /v1/batches`. Checks what can be checked at once (endpoint, the input file exists, is the
 * caller's tenant's and has purpose `batch`); the file's lines are validated by the worker, and problems
 * there fail the batch (`status: failed`, `errors`), as OpenAI does, rather than this call.
 */
export class CreateBatch {
  constructor(
    private readonly batches: BatchRepository,
    private readonly files: FileRepository,
    private readonly jobs: BatchJobScheduler,
    private readonly settings: BatchSettings,
    private readonly env: BatchEnvironment,
  ) {}

  async execute(caller: { tenantId: string; keyId: string }, request: CreateBatchRequest): Promise<OpenAIBatchObject> {
    if (request.endpoint !== SUPPORTED_BATCH_ENDPOINT)
      throw Errors.invalidRequest(
        `Unsupported value for 'endpoint': '${request.endpoint}'. Voxgate runs batches of '${SUPPORTED_BATCH_ENDPOINT}' only.`,
        'endpoint',
        'unsupported_value',
      );
    const file = await this.files.get(caller.tenantId, request.input_file_id);
    if (!file)
      throw Errors.invalidRequest(
        `No file found with id '${request.input_file_id}'.`,
        'input_file_id',
        'file_not_found',
      );
    if (file.purpose !== 'batch')
      throw Errors.invalidRequest(
        `The file '${file.id}' has purpose '${file.purpose}'; a batch input file must have purpose 'batch'.`,
        'input_file_id',
      );

    const createdMs = this.env.now();
    const batch: StoredBatch = {
      id: this.env.newId('batch_'),
      tenantId: caller.tenantId,
      keyId: caller.keyId,
      endpoint: request.endpoint,
      inputFileId: file.id,
      createdMs,
      expiresAt: Math.floor(createdMs / 1000) + COMPLETION_WINDOW_SECONDS,
      metadata: request.metadata ?? null,
      outputTtlSeconds: request.output_expires_after?.seconds ?? null,
      status: 'validating',
      model: null,
      errors: null,
      outputFileId: null,
      errorFileId: null,
      timestamps: {},
      counts: { total: 0, completed: 0, failed: 0 },
      usage: { input: 0, cached: 0, output: 0, reasoning: 0, total: 0 },
    };
    await this.batches.create(batch, (COMPLETION_WINDOW_SECONDS + this.settings.retentionSeconds) * 1000);
    await this.jobs.enqueue({ name: 'process-batch', data: { tenantId: caller.tenantId, batchId: batch.id } });
    return toOpenAIBatch(batch);
  }
}
