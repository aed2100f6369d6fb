import { Errors, type ListBatchesQuery, type OpenAIBatchList, type OpenAIBatchObject } from '@voxgate/openai-wire';
import { cursorPage } from '../redis-index';
import type { BatchRepository } from './batch.repository';
import { toOpenAIBatch } from './batch-views';

/** `GET /v1/batches/{id}`: another tenant's batch is a 404 like an unknown one. */
export class RetrieveBatch {
  constructor(private readonly batches: BatchRepository) {}

  async execute(tenantId: string, batchId: string): Promise<OpenAIBatchObject> {
    const batch = await this.batches.get(tenantId, batchId);
    if (!batch) throw Errors.notFound('batch', batchId);
    return toOpenAIBatch(batch);
  }
}

/** `GET /v1/batches`: newest first, cursor pages (`after`, `limit`). */
export class ListBatches {
  constructor(private readonly batches: BatchRepository) {}

  async execute(tenantId: string, query: ListBatchesQuery): Promise<OpenAIBatchList> {
    const page = await this.batches.list(tenantId, { limit: query.limit, after: query.after ?? null });
    if (!page) throw Errors.invalidRequest(`No batch found with id '${query.after}' to list after.`, 'after');
    return cursorPage(page.items.map(toOpenAIBatch), page.hasMore);
  }
}
