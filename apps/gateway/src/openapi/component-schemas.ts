import { z } from 'zod';
import type { JsonSchema } from './openapi.types';
import { AUDIO_REQUEST_COMPONENTS, AUDIO_RESPONSE_COMPONENTS } from './schemas/audio.schemas';
import { BATCH_REQUEST_COMPONENTS, BATCH_RESPONSE_COMPONENTS } from './schemas/batch.schemas';
import { CHAT_REQUEST_COMPONENTS, CHAT_RESPONSE_COMPONENTS } from './schemas/chat.schemas';
import type { NamedSchema } from './schemas/documented';
import { ERROR_COMPONENTS } from './schemas/error.schemas';
import { MODEL_RESPONSE_COMPONENTS } from './schemas/models.schemas';
import { OPERATIONS_RESPONSE_COMPONENTS } from './schemas/operations.schemas';
import { REALTIME_REQUEST_COMPONENTS, REALTIME_RESPONSE_COMPONENTS } from './schemas/realtime.schemas';
import { TENANCY_REQUEST_COMPONENTS, TENANCY_RESPONSE_COMPONENTS } from './schemas/tenancy.schemas';
import { TOOLS_REQUEST_COMPONENTS, TOOLS_RESPONSE_COMPONENTS } from './schemas/tools.schemas';
import { USAGE_SESSIONS_RESPONSE_COMPONENTS } from './schemas/usage-sessions.schemas';

/** What clients send: documented as zod *accepts* it (defaults optional, coerced strings as their target). */
const REQUEST_COMPONENTS: readonly NamedSchema[] = [
  ...CHAT_REQUEST_COMPONENTS,
  ...AUDIO_REQUEST_COMPONENTS,
  ...BATCH_REQUEST_COMPONENTS,
  ...TENANCY_REQUEST_COMPONENTS,
  ...TOOLS_REQUEST_COMPONENTS,
  ...REALTIME_REQUEST_COMPONENTS,
];

/** What the gateway writes: documented as zod *produces* it (defaults applied, nulls normalised). */
const RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  ...ERROR_COMPONENTS,
  ...CHAT_RESPONSE_COMPONENTS,
  ...AUDIO_RESPONSE_COMPONENTS,
  ...MODEL_RESPONSE_COMPONENTS,
  ...BATCH_RESPONSE_COMPONENTS,
  ...TENANCY_RESPONSE_COMPONENTS,
  ...TOOLS_RESPONSE_COMPONENTS,
  ...USAGE_SESSIONS_RESPONSE_COMPONENTS,
  ...OPERATIONS_RESPONSE_COMPONENTS,
  ...REALTIME_RESPONSE_COMPONENTS,
];

export const COMPONENT_REF_PREFIX = '#/components/schemas/';

/** `{ $ref }` to a component by name. Names are checked when the document is validated (a test does it). */
export const schemaRef = (id: string): JsonSchema => ({ $ref: `${COMPONENT_REF_PREFIX}${id}` });

/**
 * `components.schemas` of the document, made by `z.toJSONSchema` from the two lists: requests with
 * `io: 'input'`, responses with `io: 'output'`. A schema of a list that another schema of the same list
 * uses becomes a `$ref`; anything else is inlined. Throws on a duplicate name or on a zod construct JSON
 * Schema cannot express (a transform's output), so such a change fails the document's tests.
 */
export function componentSchemas(): Record<string, JsonSchema> {
  const requests = convert(REQUEST_COMPONENTS, 'input');
  const responses = convert(RESPONSE_COMPONENTS, 'output');
  const clash = Object.keys(requests).find((id) => id in responses);
  if (clash) throw new Error(`openapi: component '${clash}' is both a request and a response schema`);
  return { ...requests, ...responses };
}

/** Also used for the query-string schemas of the path tables, which are parameters, not components. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return withoutIdentity(z.toJSONSchema(schema, { io, target: 'draft-2020-12', override: withoutSafeIntegerBounds }));
}

function convert(entries: readonly NamedSchema[], io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string; description?: string }>();
  for (const { id, schema, description } of entries) {
    if (registry.has(schema)) throw new Error(`openapi: a schema is listed twice (again as '${id}')`);
    registry.add(schema, description === undefined ? { id } : { id, description });
  }
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `${COMPONENT_REF_PREFIX}${id}`,
    override: withoutSafeIntegerBounds,
  });
  const out: Record<string, JsonSchema> = {};
  for (const { id } of entries) {
    const schema = schemas[id];
    if (!schema) throw new Error(`openapi: component '${id}' was not generated`);
    out[id] = withoutIdentity(schema);
  }
  return out;
}

/** `z.int()` states JavaScript's safe-integer range as bounds: true, but noise in a reference. */
function withoutSafeIntegerBounds({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

/** Components sit inside the document: no `$schema` (the document's dialect applies) and no `$id`. */
function withoutIdentity(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}
