import { createHash } from 'node:crypto';
import type { BatchStatus } from '@voxgate/openai-wire';
import type { BatchLine } from '../batch-line';
import type { BatchEnvironment, BatchSettings } from '../batch.settings';
import type { BatchRepository } from '../batches/batch.repository';
import type { StoredBatch } from '../batches/stored-batch';
import type { FileRepository } from '../files/file.repository';
import { nonHttpOutcome } from './line-outcome';

/** How a batch that ran ends. */
export type BatchEnding = 'completed' | 'cancelled' | 'expired';

const READ_CHUNK = 1_000;
const STAMP = { completed: 'completed_at', cancelled: 'cancelled_at', expired: 'expired_at' } as const;

/**
 * Writes a batch's output and error files from its recorded line results, in input line order, and moves
 * it to its final status. Safe to run again after a crash at any point: file ids derive from the batch id,
 * so a second run overwrites the same files instead of leaving orphans.
 *
 * - `completed`: `in_progress → finalizing → completed`; if a cancel arrived meanwhile, it ends `cancelled`.
 * - `cancelled`: `cancelling → cancelled`, with whatever lines finished.
 * - `expired`: lines without a result get a `batch_expired` error line, then `in_progress → expired`.
 */
export class FinalizeBatch {
  constructor(
    private readonly batches: BatchRepository,
    private readonly files: FileRepository,
    private readonly settings: BatchSettings,
    private readonly env: BatchEnvironment,
  ) {}

  async execute(batch: StoredBatch, lines: readonly BatchLine[], ending: BatchEnding): Promise<void> {
    const { tenantId, id } = batch;
    const seconds = () => Math.floor(this.env.now() / 1000);
    let from: BatchStatus[];
    if (ending === 'completed') {
      if (batch.status !== 'finalizing') {
        const moved = await this.batches.transition(tenantId, id, {
          from: ['in_progress'],
          to: 'finalizing',
          timestamp: { field: 'finalizing_at', at: seconds() },
        });
        if (!moved.moved && moved.previous !== 'finalizing') {
          if (moved.previous === 'cancelling') return this.execute(batch, lines, 'cancelled');
          return;
        }
      }
      from = ['finalizing'];
    } else if (ending === 'cancelled') {
      from = ['cancelling'];
    } else {
      from = ['in_progress'];
      const done = await this.batches.finishedLines(tenantId, id);
      for (const line of lines.filter((entry) => !done.has(entry.lineNumber))) {
        const outcome = nonHttpOutcome(
          { id: this.env.newId('batch_req_'), customId: line.customId },
          'batch_expired',
          'This request could not be executed before the completion window of the batch expired.',
        );
        await this.batches.recordLine(tenantId, id, {
          lineNumber: line.lineNumber,
          json: JSON.stringify(outcome.output),
          outcome: 'failed',
          usage: outcome.usage,
        });
      }
    }

    const outputs: string[] = [];
    const errors: string[] = [];
    for (let start = 0; start < lines.length; start += READ_CHUNK) {
      const chunk = lines.slice(start, start + READ_CHUNK);
      const results = await this.batches.lineResults(
        tenantId,
        id,
        chunk.map((line) => line.lineNumber),
      );
      for (const result of results) {
        if (result === null) continue;
        const status = (JSON.parse(result) as { response: { status_code: number } | null }).response?.status_code;
        (status === 200 ? outputs : errors).push(result);
      }
    }
    const createdMs = this.env.now();
    const ttlSeconds = batch.outputTtlSeconds ?? this.settings.outputFileTtlSeconds;
    const write = async (kind: 'output' | 'error', jsonLines: string[]): Promise<string> => {
      if (jsonLines.length === 0) return '';
      const fileId = `file-${createHash('sha256').update(`${id}:${kind}`).digest('hex').slice(0, 24)}`;
      const content = Buffer.from(jsonLines.join('\n') + '\n', 'utf8');
      await this.files.put(
        tenantId,
        {
          id: fileId,
          bytes: content.length,
          createdMs,
          expiresMs: createdMs + ttlSeconds * 1000,
          filename: `${id}_${kind}.jsonl`,
          purpose: 'batch_output',
        },
        content,
      );
      return fileId;
    };
    const outputFileId = await write('output', outputs);
    const errorFileId = await write('error', errors);
    const moved = await this.batches.transition(tenantId, id, {
      from,
      to: ending,
      timestamp: { field: STAMP[ending], at: seconds() },
      fields: { output_file_id: outputFileId, error_file_id: errorFileId },
    });
    if (moved.moved) await this.batches.retain(tenantId, id, this.settings.retentionSeconds * 1000);
  }
}
