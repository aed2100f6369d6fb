import {
  BATCH_STATUSES,
  CreateBatchRequestSchema,
  type OpenAIBatchList,
  type OpenAIBatchObject,
  type OpenAIFileDeleted,
  type OpenAIFileList,
  type OpenAIFileObject,
  UPLOAD_PURPOSES,
  UploadFileFieldsSchema,
} from '@voxgate/openai-wire';
import { z } from 'zod';
import type { Assert, Describes, NamedSchema } from './documented';

const unixSeconds = z.int().describe('Unix seconds.');
const unixSecondsOrNull = z.int().nullable().describe('Unix seconds; null until it happens.');

/** OpenAI's cursor page (`ListFilesResponse`, `ListBatchesResponse`). */
const cursorPage = <T extends z.ZodType>(item: T) =>
  z.object({
    object: z.literal('list'),
    data: z.array(item),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean().describe('Ask the next page with `after=<last_id>`.'),
  });

export const FileObjectSchema = z.object({
  id: z.string(),
  object: z.literal('file'),
  bytes: z.int().describe('Size of the content, in bytes.'),
  created_at: unixSeconds,
  expires_at: unixSeconds.optional().describe('Unix seconds; absent for files that never expire.'),
  filename: z.string(),
  purpose: z.enum(['batch', 'batch_output']),
  status: z.literal('processed').describe('Deprecated by OpenAI, always `processed`.'),
});
type _FileChecked = Assert<Describes<typeof FileObjectSchema, OpenAIFileObject>>;

const FileListSchema = cursorPage(FileObjectSchema);
type _FileListChecked = Assert<Describes<typeof FileListSchema, OpenAIFileList>>;

const FileDeletedSchema = z.object({ id: z.string(), object: z.literal('file'), deleted: z.literal(true) });
type _FileDeletedChecked = Assert<Describes<typeof FileDeletedSchema, OpenAIFileDeleted>>;

/**
 * The multipart form of `POST /v1/files`, as openai-node sends it: `expires_after` as bracket keys. Made
 * from the same zod fields the upload validates (`UploadFileFieldsSchema`).
 */
const expiresAfter = UploadFileFieldsSchema.shape.expires_after.unwrap().shape;
export const FileUploadFormSchema = z.object({
  file: z.file().describe('The JSONL batch input (one request per line).'),
  purpose: z.enum(UPLOAD_PURPOSES).describe('Only `batch` files are stored; other purposes are refused.'),
  'expires_after[anchor]': expiresAfter.anchor.optional(),
  'expires_after[seconds]': expiresAfter.seconds.optional(),
});

const BatchErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  param: z.string().nullable(),
  line: z.int().nullable().describe('1-based line of the input file; null for the batch as a whole.'),
});

export const BatchSchema = z.object({
  id: z.string(),
  object: z.literal('batch'),
  endpoint: z.string(),
  model: z.string().nullable().describe('The model the lines name; null until the input is validated.'),
  errors: z.object({ object: z.literal('list'), data: z.array(BatchErrorSchema) }).nullable(),
  input_file_id: z.string(),
  completion_window: z.literal('24h'),
  status: z.enum(BATCH_STATUSES),
  output_file_id: z.string().nullable(),
  error_file_id: z.string().nullable(),
  created_at: unixSeconds,
  in_progress_at: unixSecondsOrNull,
  expires_at: unixSeconds,
  finalizing_at: unixSecondsOrNull,
  completed_at: unixSecondsOrNull,
  failed_at: unixSecondsOrNull,
  expired_at: unixSecondsOrNull,
  cancelling_at: unixSecondsOrNull,
  cancelled_at: unixSecondsOrNull,
  request_counts: z.object({ total: z.int(), completed: z.int(), failed: z.int() }),
  usage: z.object({
    input_tokens: z.int(),
    input_tokens_details: z.object({ cached_tokens: z.int() }),
    output_tokens: z.int(),
    output_tokens_details: z.object({ reasoning_tokens: z.int() }),
    total_tokens: z.int(),
  }),
  metadata: z.record(z.string(), z.string()).nullable(),
});
type _BatchChecked = Assert<Describes<typeof BatchSchema, OpenAIBatchObject>>;

const BatchListSchema = cursorPage(BatchSchema);
type _BatchListChecked = Assert<Describes<typeof BatchListSchema, OpenAIBatchList>>;

export const BATCH_REQUEST_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'CreateBatchRequest',
    schema: CreateBatchRequestSchema,
    description: 'Voxgate runs batches of `/v1/chat/completions` lines; other endpoints are refused.',
  },
  { id: 'CreateFileRequest', schema: FileUploadFormSchema },
];

export const BATCH_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  { id: 'OpenAIFile', schema: FileObjectSchema },
  { id: 'ListFilesResponse', schema: FileListSchema },
  { id: 'DeleteFileResponse', schema: FileDeletedSchema },
  { id: 'Batch', schema: BatchSchema },
  { id: 'ListBatchesResponse', schema: BatchListSchema },
];
