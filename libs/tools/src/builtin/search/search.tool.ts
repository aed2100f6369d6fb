import { z } from 'zod';
import { type BuiltinOperation, defineOperation } from '../builtin-operation';
import { ok } from '../../tool-module';
import type { SearchIndexRepository } from './search-index.repository';

const SearchInputSchema = z.strictObject({
  query: z.string().min(1).max(500).describe('What to look for, in the words a user would use.'),
  top_k: z.number().int().min(1).max(20).default(5).describe('How many results to return (1-20, default 5).'),
});

/** `search.search`: full-text search over the documents ops uploaded for the tenant. */
export function createSearchOperations(index: SearchIndexRepository): Record<'search', BuiltinOperation> {
  return {
    search: defineOperation({
      description:
        "Searches the organisation's documents and returns the best matching passages, each with its document id and title.",
      input: SearchInputSchema,
      effect: 'read',
      run: async (input, ctx) => {
        const results = await index.search(ctx.tenantId, input.query, input.top_k);
        return ok({ query: input.query, results: results.map((hit) => ({ ...hit })) });
      },
    }),
  };
}
