import type { ComponentSchemas } from './openapi-spec.loader';

const LOCAL_REF = '#/components/schemas/';

/** Suffix of the error line for a key no schema declares; lets callers tell these errors apart. */
export const UNDECLARED_KEY = 'is not declared by the spec';

type Schema = Record<string, unknown>;

/** Keywords through which a schema gets its properties from elsewhere. */
const COMPOSITION = ['$ref', 'allOf', 'anyOf', 'oneOf'];

/**
 * JSON pointers of object keys in `value` that the spec declares nowhere.
 *
 * OpenAI's schemas almost never say `additionalProperties: false`, so `internal_metrics` in a response or
 * a stray `foo` in a request validates, while the real API rejects unknown request keys and a gateway
 * must not leak unknown response keys. This walks `value` alongside the schema and reports a key when no
 * candidate schema declares it. It is deliberately lenient: `anyOf`/`oneOf` branches are merged (a key
 * declared by any branch passes), and objects with `additionalProperties`, `patternProperties` or no
 * `properties` at all (free-form maps, JSON Schema `parameters`) are open.
 */
export function findUndeclaredKeys(schemas: ComponentSchemas, schemaName: string, value: unknown): string[] {
  const found: string[] = [];
  walk(schemas, [{ $ref: `${LOCAL_REF}${schemaName}` }], value, '', found);
  return found;
}

function walk(
  schemas: ComponentSchemas,
  candidates: unknown[],
  value: unknown,
  pointer: string,
  found: string[],
): void {
  const leaves = candidates.flatMap((candidate) => flatten(schemas, candidate, new Set()));
  if (Array.isArray(value)) {
    const items = leaves.map((leaf) => leaf['items']).filter((item) => item !== undefined);
    if (items.length > 0) value.forEach((item, index) => walk(schemas, items, item, `${pointer}/${index}`, found));
    return;
  }
  if (!isRecord(value)) return;
  const objects = leaves.filter(describesObject);
  if (objects.length === 0) return;
  const open = objects.some(
    (leaf) =>
      (!isRecord(leaf['properties']) && !COMPOSITION.some((keyword) => keyword in leaf)) ||
      leaf['patternProperties'] !== undefined ||
      (leaf['additionalProperties'] !== undefined && leaf['additionalProperties'] !== false),
  );
  for (const [key, child] of Object.entries(value)) {
    const declared = objects.flatMap((leaf) => {
      const properties = leaf['properties'];
      return isRecord(properties) && key in properties ? [properties[key]] : [];
    });
    const childPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (declared.length > 0) walk(schemas, declared, child, childPointer, found);
    else if (!open) found.push(`${childPointer} ${UNDECLARED_KEY}`);
  }
}

/** The schemas a node stands for once `$ref`, `allOf`, `anyOf` and `oneOf` are expanded. */
function flatten(schemas: ComponentSchemas, node: unknown, seen: Set<unknown>): Schema[] {
  if (!isRecord(node) || seen.has(node)) return [];
  seen.add(node);
  const result: Schema[] = [];
  const ref = node['$ref'];
  if (typeof ref === 'string' && ref.startsWith(LOCAL_REF))
    result.push(...flatten(schemas, schemas[ref.slice(LOCAL_REF.length)], seen));
  for (const keyword of COMPOSITION.slice(1)) {
    const members = node[keyword];
    if (Array.isArray(members)) for (const member of members) result.push(...flatten(schemas, member, seen));
  }
  if (['type', 'properties', 'additionalProperties', 'items'].some((keyword) => keyword in node)) result.push(node);
  return result;
}

function describesObject(schema: Schema): boolean {
  const type = schema['type'];
  if (type === undefined) return 'properties' in schema || 'additionalProperties' in schema;
  return type === 'object' || (Array.isArray(type) && type.includes('object'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
