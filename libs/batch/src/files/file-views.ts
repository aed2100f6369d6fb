import type { OpenAIFileObject } from '@voxgate/openai-wire';
import type { StoredFile } from './stored-file';

/** The stored file as OpenAI's `OpenAIFile`. */
export function toOpenAIFile(file: StoredFile): OpenAIFileObject {
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes,
    created_at: Math.floor(file.createdMs / 1000),
    ...(file.expiresMs !== null ? { expires_at: Math.floor(file.expiresMs / 1000) } : {}),
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
  };
}
