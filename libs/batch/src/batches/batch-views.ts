import type { OpenAIBatchObject } from '@voxgate/openai-wire';
import type { StoredBatch } from './stored-batch';

/** The stored batch as OpenAI's `Batch`, every optional field present (null when unset). */
export function toOpenAIBatch(batch: StoredBatch): OpenAIBatchObject {
  const at = (field: keyof StoredBatch['timestamps']) => batch.timestamps[field] ?? null;
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    model: batch.model,
    errors: batch.errors?.length ? { object: 'list', data: batch.errors } : null,
    input_file_id: batch.inputFileId,
    completion_window: '24h',
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: Math.floor(batch.createdMs / 1000),
    in_progress_at: at('in_progress_at'),
    expires_at: batch.expiresAt,
    finalizing_at: at('finalizing_at'),
    completed_at: at('completed_at'),
    failed_at: at('failed_at'),
    expired_at: at('expired_at'),
    cancelling_at: at('cancelling_at'),
    cancelled_at: at('cancelled_at'),
    request_counts: { ...batch.counts },
    usage: {
      input_tokens: batch.usage.input,
      input_tokens_details: { cached_tokens: batch.usage.cached },
      output_tokens: batch.usage.output,
      output_tokens_details: { reasoning_tokens: batch.usage.reasoning },
      total_tokens: batch.usage.total,
    },
    metadata: batch.metadata,
  };
}
