import { createHash } from 'node:crypto';
import type { BatchError } from '@voxgate/openai-wire';
import type { BatchLine, BatchLineExecutor } from '../batch-line';
import type { BatchEnvironment, BatchSettings } from '../batch.settings';
import type { BatchRepository } from '../batches/batch.repository';
import { type StoredBatch, TERMINAL_STATUSES } from '../batches/stored-batch';
import type { FileRepository } from '../files/file.repository';
import { parseBatchInput } from '../input/parse-batch-input';
import type { ProcessBatchJob } from '../queue/batch-jobs';
import { executeWithRetries } from './execute-line';
import { type BatchEnding, FinalizeBatch } from './finalize-batch';
import { httpOutcome, type LineOutcome } from './line-outcome';
import { runInLanes } from './line-lanes';
import { streamingRefused } from './streaming-refused';

/** `finished`: nothing left to do for this job. `yielded`: stopped early for a shutdown; run the job again. */
export type ProcessBatchResult = 'finished' | 'yielded';

/** What the worker tells a running batch. */
export interface ProcessBatchControl {
  /** True once the process is shutting down: start no more lines, leave the rest to another run. */
  readonly shouldYield: () => boolean;
}

/**
 * The `process-batch` job: validates the input file, runs its lines through the `BatchLineExecutor`, and
 * finalises the batch. Resumable at any point (a worker that crashed, or yielded on shutdown):
 *
 * - every finished line is recorded in Redis under the batch and its line number before the next starts
 *   on that slot, and lines with a record are never executed again;
 * - output files are assembled only at finalisation, from those records, in input order.
 *
 * Lines naming the same `session_id` run one after another in input order, so each sees the turn the
 * previous one stored; other lines run `lineConcurrency` at a time. Before each line the batch's status
 * and window are checked: a cancel stops new lines (running ones finish) and ends the batch `cancelled`
 * with the partial results; passing `expires_at` ends it `expired`.
 */
export class ProcessBatch {
  private readonly finalize: FinalizeBatch;

  constructor(
    private readonly batches: BatchRepository,
    private readonly files: FileRepository,
    private readonly executor: BatchLineExecutor,
    private readonly settings: BatchSettings,
    private readonly env: BatchEnvironment,
  ) {
    this.finalize = new FinalizeBatch(batches, files, settings, env);
  }

  async execute(
    job: ProcessBatchJob,
    control: ProcessBatchControl = { shouldYield: () => false },
  ): Promise<ProcessBatchResult> {
    const batch = await this.batches.get(job.tenantId, job.batchId);
    if (!batch || TERMINAL_STATUSES.includes(batch.status)) return 'finished';

    const content = await this.files.content(batch.tenantId, batch.inputFileId);
    const parsed =
      content === null
        ? null
        : parseBatchInput(content, { endpoint: batch.endpoint, maxLines: this.settings.maxLines });
    if (parsed === null || parsed.errors.length > 0) {
      const errors: BatchError[] = parsed?.errors ?? [
        {
          code: 'input_file_not_found',
          message: `The input file '${batch.inputFileId}' no longer exists.`,
          param: 'input_file_id',
          line: null,
        },
      ];
      if (batch.status === 'cancelling') await this.finalize.execute(batch, [], 'cancelled');
      else await this.fail(batch, errors);
      return 'finished';
    }

    if (batch.status === 'validating') {
      await this.batches.transition(batch.tenantId, batch.id, {
        from: ['validating'],
        to: 'in_progress',
        timestamp: { field: 'in_progress_at', at: Math.floor(this.env.now() / 1000) },
        fields: { model: parsed.model ?? '', total: parsed.lines.length },
      });
    }
    if (batch.status === 'finalizing') {
      await this.finalize.execute(batch, parsed.lines, 'completed');
      return 'finished';
    }

    const ending = await this.runLines(batch, parsed.lines, control);
    if (ending === 'yielded') return 'yielded';
    if (ending !== null) await this.finalize.execute(batch, parsed.lines, ending);
    return 'finished';
  }

  /** Runs the lines without a result; says how the batch ends (null: it vanished meanwhile). */
  private async runLines(
    batch: StoredBatch,
    lines: readonly BatchLine[],
    control: ProcessBatchControl,
  ): Promise<BatchEnding | 'yielded' | null> {
    const done = await this.batches.finishedLines(batch.tenantId, batch.id);
    let stop: BatchEnding | 'yielded' | 'vanished' | null = null;
    const shouldStop = async (): Promise<boolean> => {
      if (stop !== null) return true;
      if (control.shouldYield()) stop = 'yielded';
      else {
        const status = await this.batches.status(batch.tenantId, batch.id);
        if (status === 'cancelling') stop = 'cancelled';
        else if (status !== 'in_progress') stop = 'vanished';
        else if (this.env.now() >= batch.expiresAt * 1000) stop = 'expired';
      }
      return stop !== null;
    };
    await runInLanes(
      lines.filter((line) => !done.has(line.lineNumber)),
      {
        concurrency: this.settings.lineConcurrency,
        laneOf: (line) => line.sessionId,
        shouldStop,
        run: (line) => this.runLine(batch, line, shouldStop),
      },
    );
    if (stop === null) {
      // Every line has a result; a cancel that came after the last one still wins (FinalizeBatch checks).
      return 'completed';
    }
    return stop === 'vanished' ? null : stop;
  }

  private async runLine(batch: StoredBatch, line: BatchLine, shouldStop: () => Promise<boolean>): Promise<void> {
    const ids = { id: this.env.newId('batch_req_'), customId: line.customId };
    let outcome: LineOutcome;
    if (line.body.stream === true) {
      outcome = httpOutcome(ids, {
        statusCode: 400,
        requestId: this.env.newId('req_'),
        body: streamingRefused().toJSON(),
      });
    } else {
      const response = await executeWithRetries(
        this.executor,
        line,
        {
          tenantId: batch.tenantId,
          keyId: batch.keyId,
          batchId: batch.id,
          idempotencyKey: `batch:${batch.id}:${createHash('sha256').update(line.customId).digest('hex').slice(0, 32)}`,
        },
        { settings: this.settings, env: this.env, shouldStop },
      );
      if (response === null) return;
      outcome = httpOutcome(ids, response);
    }
    await this.batches.recordLine(batch.tenantId, batch.id, {
      lineNumber: line.lineNumber,
      json: JSON.stringify(outcome.output),
      outcome: outcome.outcome,
      usage: outcome.usage,
    });
  }

  /** Marks the batch failed (input problems, or a job that kept crashing). */
  async fail(batch: Pick<StoredBatch, 'tenantId' | 'id'>, errors: BatchError[]): Promise<void> {
    const moved = await this.batches.transition(batch.tenantId, batch.id, {
      from: ['validating', 'in_progress', 'finalizing'],
      to: 'failed',
      timestamp: { field: 'failed_at', at: Math.floor(this.env.now() / 1000) },
      fields: { errors: JSON.stringify(errors) },
    });
    if (moved.moved) await this.batches.retain(batch.tenantId, batch.id, this.settings.retentionSeconds * 1000);
  }
}
