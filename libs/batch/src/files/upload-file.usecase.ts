import { Errors, type OpenAIFileObject, type UploadFileFields } from '@voxgate/openai-wire';
import type { BatchEnvironment, BatchSettings } from '../batch.settings';
import type { FileRepository } from './file.repository';
import { toOpenAIFile } from './file-views';

/** An upload as the HTTP layer read it: the form fields and the whole file part. */
export interface UploadFileInput {
  readonly tenantId: string;
  readonly fields: UploadFileFields;
  /** The file part's own name (openai-node sends the local file name). */
  readonly filename: string;
  readonly content: Buffer;
}

/**
 * `POST /v1/files`. Voxgate keeps files for the Batch API only: `purpose` must be `batch`, the file a
 * `.jsonl` of UTF-8 text no larger than `batch.maxFileBytes`. Lines are checked when a batch uses the
 * file (OpenAI reports them on the batch, with line numbers), not here. Expires after
 * `expires_after.seconds`, or `batch.inputFileTtlSeconds` (30 days).
 */
export class UploadFile {
  constructor(
    private readonly files: FileRepository,
    private readonly settings: BatchSettings,
    private readonly env: BatchEnvironment,
  ) {}

  async execute(input: UploadFileInput): Promise<OpenAIFileObject> {
    if (input.fields.purpose !== 'batch')
      throw Errors.invalidRequest(
        `Voxgate stores files for the Batch API only: 'purpose' must be 'batch', not '${input.fields.purpose}'.`,
        'purpose',
        'unsupported_value',
      );
    if (!/\.jsonl$/i.test(input.filename))
      throw Errors.invalidRequest(
        `Invalid file format for Batch API: '${input.filename.slice(0, 200)}' must be a .jsonl file.`,
        'file',
        'invalid_file_format',
      );
    if (input.content.length > this.settings.maxFileBytes) throw Errors.fileTooLarge(this.settings.maxFileBytes);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(input.content);
    } catch {
      throw Errors.invalidRequest('The file is not valid UTF-8 text.', 'file', 'invalid_file_format');
    }
    const createdMs = this.env.now();
    const ttlSeconds = input.fields.expires_after?.seconds ?? this.settings.inputFileTtlSeconds;
    const file = {
      id: this.env.newId('file-'),
      bytes: input.content.length,
      createdMs,
      expiresMs: createdMs + ttlSeconds * 1000,
      filename: input.filename,
      purpose: 'batch' as const,
    };
    await this.files.put(input.tenantId, file, input.content);
    return toOpenAIFile(file);
  }
}
