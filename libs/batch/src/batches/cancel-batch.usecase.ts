import { type BatchStatus, Errors, type OpenAIBatchObject } from '@voxgate/openai-wire';
import type { BatchEnvironment } from '../batch.settings';
import type { BatchRepository } from './batch.repository';
import { toOpenAIBatch } from './batch-views';

const CANCELLABLE: readonly BatchStatus[] = ['validating', 'in_progress'];

/**
 * `POST /v1/batches/{id}/cancel`: the batch becomes `cancelling` at once; the worker stops starting lines,
 * lets running ones finish, writes the partial results and moves it to `cancelled`. Cancelling a batch
 * that is already cancelling or cancelled answers it as it is; a finished one is a 409.
 */
export class CancelBatch {
  constructor(
    private readonly batches: BatchRepository,
    private readonly env: BatchEnvironment,
  ) {}

  async execute(tenantId: string, batchId: string): Promise<OpenAIBatchObject> {
    const { moved, previous } = await this.batches.transition(tenantId, batchId, {
      from: CANCELLABLE,
      to: 'cancelling',
      timestamp: { field: 'cancelling_at', at: Math.floor(this.env.now() / 1000) },
    });
    if (previous === null) throw Errors.notFound('batch', batchId);
    if (!moved && previous !== 'cancelling' && previous !== 'cancelled')
      throw Errors.batchNotCancellable(batchId, previous);
    const batch = await this.batches.get(tenantId, batchId);
    if (!batch) throw Errors.notFound('batch', batchId);
    return toOpenAIBatch(batch);
  }
}
