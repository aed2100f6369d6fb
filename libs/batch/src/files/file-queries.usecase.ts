import {
  Errors,
  type ListFilesQuery,
  type OpenAIFileDeleted,
  type OpenAIFileList,
  type OpenAIFileObject,
} from '@voxgate/openai-wire';
import { cursorPage } from '../redis-index';
import type { FileRepository } from './file.repository';
import { toOpenAIFile } from './file-views';
import type { StoredFile } from './stored-file';

/** `GET /v1/files/{id}`: another tenant's id, or an expired file, is a 404 like an unknown one. */
export class RetrieveFile {
  constructor(private readonly files: FileRepository) {}

  async execute(tenantId: string, fileId: string): Promise<OpenAIFileObject> {
    return toOpenAIFile(await found(this.files, tenantId, fileId));
  }
}

/** `GET /v1/files/{id}/content`: the stored bytes, with the file they belong to. */
export class DownloadFile {
  constructor(private readonly files: FileRepository) {}

  async execute(tenantId: string, fileId: string): Promise<{ file: StoredFile; content: Buffer }> {
    const file = await found(this.files, tenantId, fileId);
    const content = await this.files.content(tenantId, fileId);
    if (content === null) throw Errors.notFound('file', fileId);
    return { file, content };
  }
}

/** `DELETE /v1/files/{id}`. A batch still using the file as input fails if it needs it again. */
export class DeleteFile {
  constructor(private readonly files: FileRepository) {}

  async execute(tenantId: string, fileId: string): Promise<OpenAIFileDeleted> {
    if (!(await this.files.delete(tenantId, fileId))) throw Errors.notFound('file', fileId);
    return { id: fileId, object: 'file', deleted: true };
  }
}

/** `GET /v1/files`: cursor pages (`after`, `limit`, `order`), optionally of one `purpose`. */
export class ListFiles {
  constructor(private readonly files: FileRepository) {}

  async execute(tenantId: string, query: ListFilesQuery): Promise<OpenAIFileList> {
    const purpose = query.purpose ?? null;
    if (purpose !== null && purpose !== 'batch' && purpose !== 'batch_output') return cursorPage([], false);
    const page = await this.files.list(tenantId, {
      purpose,
      limit: query.limit,
      order: query.order,
      after: query.after ?? null,
    });
    if (!page) throw Errors.invalidRequest(`No file found with id '${query.after}' to list after.`, 'after');
    return cursorPage(page.items.map(toOpenAIFile), page.hasMore);
  }
}

async function found(files: FileRepository, tenantId: string, fileId: string): Promise<StoredFile> {
  const file = await files.get(tenantId, fileId);
  if (!file) throw Errors.notFound('file', fileId);
  return file;
}
