import { ListBatchesQuerySchema, ListFilesQuerySchema } from '@voxgate/openai-wire';
import { schemaRef } from '../component-schemas';
import { json, jsonBody, type RouteGroup } from '../route-doc';

export const FILES_PATHS: RouteGroup = {
  tag: {
    name: 'Files',
    description: "A tenant's batch input files and the output and error files of its batches (OpenAI's Files API).",
  },
  routes: [
    {
      method: 'post',
      path: '/v1/files',
      operationId: 'createFile',
      summary: 'Upload a batch input file',
      description:
        'Multipart, as the SDKs send it. A file over `batch.maxFileBytes` is refused with 413 as soon as the limit is crossed.',
      access: 'tenant',
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: schemaRef('CreateFileRequest'),
            encoding: { file: { contentType: 'application/jsonl, application/octet-stream' } },
          },
        },
      },
      responses: { '200': json('OpenAIFile', 'The stored file.') },
    },
    {
      method: 'get',
      path: '/v1/files',
      operationId: 'listFiles',
      summary: 'List files',
      access: 'tenant',
      query: ListFilesQuerySchema,
      responses: { '200': json('ListFilesResponse', 'A page of files, newest first by default.') },
    },
    {
      method: 'get',
      path: '/v1/files/{fileId}',
      operationId: 'retrieveFile',
      summary: 'Retrieve a file',
      access: 'tenant',
      responses: { '200': json('OpenAIFile', 'The file.') },
    },
    {
      method: 'get',
      path: '/v1/files/{fileId}/content',
      operationId: 'downloadFile',
      summary: 'Download the content of a file',
      access: 'tenant',
      responses: {
        '200': {
          description: 'The bytes, as an attachment named after the file.',
          content: {
            'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
          },
        },
      },
    },
    {
      method: 'delete',
      path: '/v1/files/{fileId}',
      operationId: 'deleteFile',
      summary: 'Delete a file',
      access: 'tenant',
      responses: { '200': json('DeleteFileResponse', 'Deleted.') },
    },
  ],
};

export const BATCHES_PATHS: RouteGroup = {
  tag: {
    name: 'Batches',
    description:
      "OpenAI's Batch API over `/v1/chat/completions`: each line runs through the same pipeline as an HTTP request, on BullMQ workers.",
  },
  routes: [
    {
      method: 'post',
      path: '/v1/batches',
      operationId: 'createBatch',
      summary: 'Create a batch',
      access: 'tenant',
      body: jsonBody('CreateBatchRequest'),
      responses: { '200': json('Batch', 'The batch, `validating`.') },
    },
    {
      method: 'get',
      path: '/v1/batches',
      operationId: 'listBatches',
      summary: 'List batches',
      access: 'tenant',
      query: ListBatchesQuerySchema,
      responses: { '200': json('ListBatchesResponse', 'A page of batches, newest first.') },
    },
    {
      method: 'get',
      path: '/v1/batches/{batchId}',
      operationId: 'retrieveBatch',
      summary: 'Retrieve a batch',
      access: 'tenant',
      responses: { '200': json('Batch', 'The batch.') },
    },
    {
      method: 'post',
      path: '/v1/batches/{batchId}/cancel',
      operationId: 'cancelBatch',
      summary: 'Cancel a batch',
      description:
        'Lines already running finish; the batch becomes `cancelling`, then `cancelled` with the results so far.',
      access: 'tenant',
      responses: { '200': json('Batch', 'The batch, `cancelling` (or already final).') },
    },
  ],
};
