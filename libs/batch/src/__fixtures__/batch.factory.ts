import type { Redis } from 'ioredis';
import type { BatchLine, BatchLineContext, BatchLineExecutor, BatchLineResponse } from '../batch-line';
import type { BatchEnvironment, BatchSettings } from '../batch.settings';
import { BatchRepository } from '../batches/batch.repository';
import { CreateBatch } from '../batches/create-batch.usecase';
import { FileRepository } from '../files/file.repository';
import { UploadFile } from '../files/upload-file.usecase';
import { ProcessBatch } from '../processing/process-batch.usecase';
import type { BatchJobItem, BatchJobScheduler } from '../queue/batch-jobs';

export const TENANT = 'ten_a';
export const KEY = 'key_a';
export const MODEL = 'gpt-4o-audio-preview';

export function batchSettings(overrides: Partial<BatchSettings> = {}): BatchSettings {
  return {
    maxFileBytes: 1024 * 1024,
    maxLines: 50_000,
    inputFileTtlSeconds: 30 * 86_400,
    outputFileTtlSeconds: 30 * 86_400,
    retentionSeconds: 30 * 86_400,
    lineConcurrency: 4,
    rateLimitMaxWaitMs: 60_000,
    serverErrorRetries: 2,
    serverErrorBackoffMs: 1_000,
    ...overrides,
  };
}

/** A clock that only moves when someone sleeps (sleeps resolve on the next macrotask), and counter ids. */
export class FakeEnvironment implements BatchEnvironment {
  nowMs = Date.UTC(2026, 10, 24, 12, 0, 0);
  readonly sleeps: number[] = [];
  private counter = 0;

  readonly now = () => this.nowMs;
  readonly sleep = (ms: number) => {
    this.sleeps.push(ms);
    this.nowMs += ms;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
  readonly newId = (prefix: string) => `${prefix}${(++this.counter).toString(16).padStart(24, '0')}`;
}

/** A chat completion body as the gateway answers, with usage. */
export function completion(content: string, usage = { prompt: 10, completion: 5 }): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: MODEL,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
      prompt_tokens_details: { cached_tokens: 2 },
      completion_tokens_details: { reasoning_tokens: 1 },
    },
  };
}

export interface ExecutedLine {
  readonly line: BatchLine;
  readonly context: BatchLineContext;
  readonly startedAt: number;
  endedAt: number | null;
}

/**
 * A scripted executor: `answer` decides each response (default: a completion echoing the custom_id).
 * Records every execution with start/end order stamps, and how many executions ran at the same time.
 */
export class RecordingExecutor implements BatchLineExecutor {
  readonly executions: ExecutedLine[] = [];
  running = 0;
  maxRunning = 0;
  private tick = 0;

  constructor(
    private readonly answer: (line: BatchLine, attempt: number) => Promise<BatchLineResponse> | BatchLineResponse = (
      line,
    ) => ({ statusCode: 200, requestId: `req_${line.customId}`, body: completion(`answer ${line.customId}`) }),
  ) {}

  async execute(line: BatchLine, context: BatchLineContext): Promise<BatchLineResponse> {
    const record: ExecutedLine = { line, context, startedAt: ++this.tick, endedAt: null };
    this.executions.push(record);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      const attempt = this.executions.filter((entry) => entry.line.customId === line.customId).length;
      await new Promise((resolve) => setImmediate(resolve));
      return await this.answer(line, attempt);
    } finally {
      this.running -= 1;
      record.endedAt = ++this.tick;
    }
  }

  customIds(): string[] {
    return this.executions.map((entry) => entry.line.customId);
  }
}

export class RecordingScheduler implements BatchJobScheduler {
  readonly jobs: BatchJobItem[] = [];
  enqueue(job: BatchJobItem): Promise<void> {
    this.jobs.push(job);
    return Promise.resolve();
  }
}

/** One JSONL request line. */
export function requestLine(
  customId: string,
  options: { model?: string; content?: string; sessionId?: string; extra?: Record<string, unknown> } = {},
): string {
  return JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: options.model ?? MODEL, messages: [{ role: 'user', content: options.content ?? customId }] },
    ...(options.sessionId ? { session_id: options.sessionId } : {}),
    ...options.extra,
  });
}

/** Repositories and use cases over one Redis, with a fake clock. */
export function batchHarness(redis: Redis, overrides: Partial<BatchSettings> = {}) {
  const env = new FakeEnvironment();
  const settings = batchSettings(overrides);
  const files = new FileRepository(redis);
  const batches = new BatchRepository(redis);
  const scheduler = new RecordingScheduler();
  const upload = new UploadFile(files, settings, env);
  const create = new CreateBatch(batches, files, scheduler, settings, env);
  return {
    env,
    settings,
    files,
    batches,
    scheduler,
    processor: (executor: BatchLineExecutor) => new ProcessBatch(batches, files, executor, settings, env),
    /** Uploads `lines` as a batch input file and creates a batch over it; returns the batch id. */
    async createBatch(lines: string[]): Promise<string> {
      const file = await upload.execute({
        tenantId: TENANT,
        fields: { purpose: 'batch' },
        filename: 'input.jsonl',
        content: Buffer.from(lines.join('\n') + '\n'),
      });
      const batch = await create.execute(
        { tenantId: TENANT, keyId: KEY },
        { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
      );
      return batch.id;
    },
    /** The JSONL lines of a stored file, parsed. */
    async fileLines(fileId: string | null): Promise<Record<string, unknown>[]> {
      if (fileId === null) return [];
      const content = await files.content(TENANT, fileId);
      return (content?.toString('utf8') ?? '')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}
