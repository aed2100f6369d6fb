import { z } from 'zod';
import { EntityIdSchema } from '../builtin-operation';
import type { SearchIndexRepository } from './search-index.repository';

/** Body of `POST /admin/tenants/{id}/search/documents`: documents are upserted by id. */
export const UploadSearchDocumentsInputSchema = z.strictObject({
  documents: z
    .array(
      z.strictObject({
        id: EntityIdSchema,
        title: z.string().max(500).default(''),
        text: z.string().min(1).max(1_000_000),
      }),
    )
    .min(1)
    .max(100),
});
export type UploadSearchDocumentsInput = z.infer<typeof UploadSearchDocumentsInputSchema>;

/** Adds or replaces documents of a tenant's search corpus; each one is indexed atomically. */
export class UploadSearchDocuments {
  constructor(private readonly index: SearchIndexRepository) {}

  async execute(tenantId: string, input: UploadSearchDocumentsInput): Promise<{ indexed: number; total: number }> {
    for (const document of input.documents) await this.index.upsert(tenantId, document);
    return { indexed: input.documents.length, total: await this.index.count(tenantId) };
  }
}

/** Removes one document from a tenant's corpus; `false` if there was none with that id. */
export class RemoveSearchDocument {
  constructor(private readonly index: SearchIndexRepository) {}

  execute(tenantId: string, documentId: string): Promise<boolean> {
    return this.index.remove(tenantId, documentId);
  }
}
