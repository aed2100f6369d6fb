import type { ModelList, ModelObject } from '@voxgate/openai-wire';
import { z } from 'zod';
import type { Assert, Describes, NamedSchema } from './documented';

export const ModelSchema = z.object({
  id: z.string().describe('A dated snapshot, or an alias of one (listed as its own entry, as OpenAI does).'),
  object: z.literal('model'),
  created: z.int().describe('Unix seconds.'),
  owned_by: z.string(),
});
type _ModelChecked = Assert<Describes<typeof ModelSchema, ModelObject>>;

const ModelListSchema = z.object({ object: z.literal('list'), data: z.array(ModelSchema) });
type _ModelListChecked = Assert<Describes<typeof ModelListSchema, ModelList>>;

export const MODEL_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  { id: 'Model', schema: ModelSchema },
  { id: 'ListModelsResponse', schema: ModelListSchema },
];
