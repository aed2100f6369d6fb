import type { StoredFilePurpose } from '@voxgate/openai-wire';

/** A file as the repository holds it (its bytes are stored apart, read on demand). */
export interface StoredFile {
  /** `file-…`. */
  readonly id: string;
  readonly bytes: number;
  /** Unix milliseconds (the API shows seconds). */
  readonly createdMs: number;
  /** Unix milliseconds; null for a file that never expires. */
  readonly expiresMs: number | null;
  readonly filename: string;
  readonly purpose: StoredFilePurpose;
}
