import { Errors } from '@voxgate/openai-wire';
import type { GrammarSchema } from './worker/llama.protocol';

const STRING_FORMATS = new Set(['date-time', 'time', 'date']);
const ANY_VALUE: GrammarSchema = {
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }],
};

function fail(param: string, detail: string): never {
  throw Errors.invalidRequest(
    `The tool parameters schema at ${param} cannot be turned into a grammar for a local GGUF model: ${detail}.`,
    param,
    'unsupported_tool_schema',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns an OpenAI tool's `parameters` (JSON Schema) into the subset node-llama-cpp compiles to a GBNF
 * grammar (`GbnfJsonSchema`): `type` (one or several), `properties`, `items`/`prefixItems`,
 * `minItems`/`maxItems`, `enum`, `const`, `anyOf`/`oneOf`, `$defs`/`$ref`, string `minLength`/`maxLength`
 * and the `date-time`/`date`/`time` formats, `description`.
 *
 * Lossy where the grammar cannot follow: every declared property is generated (as if all were
 * `required`); `minimum`/`maximum`, `pattern`, `multipleOf` and other formats are not enforced; a schema
 * with no type is any scalar. `allOf`, `not`, `if`/`then`, `patternProperties` and boolean schemas are
 * refused with a 400 naming where, because silently dropping them could yield arguments that never
 * validate.
 */
export function toGrammarSchema(schema: unknown, param = 'parameters'): GrammarSchema {
  if (!isRecord(schema)) fail(param, 'a schema must be an object');
  for (const keyword of ['allOf', 'not', 'if', 'then', 'else', 'patternProperties', 'dependentSchemas']) {
    if (keyword in schema) fail(param, `'${keyword}' is not supported`);
  }
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};
  const defs = isRecord(schema.$defs)
    ? {
        $defs: Object.fromEntries(
          Object.entries(schema.$defs).map(([name, def]) => [name, toGrammarSchema(def, `${param}.$defs.${name}`)]),
        ),
      }
    : {};
  if (typeof schema.$ref === 'string') {
    if (!schema.$ref.startsWith('#/$defs/')) fail(param, `only local '#/$defs/…' references are supported`);
    return { $ref: schema.$ref, ...description };
  }
  if ('const' in schema) return { const: schema.const, ...description };
  if (Array.isArray(schema.enum)) return { enum: schema.enum, ...description };
  const variants = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(variants)) {
    return {
      oneOf: variants.map((variant, index) => toGrammarSchema(variant, `${param}.oneOf[${index}]`)),
      ...description,
      ...defs,
    };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type as unknown[];
    return {
      oneOf: types.map((type, index) =>
        toGrammarSchema({ ...schema, type, description: undefined }, `${param}.type[${index}]`),
      ),
      ...description,
      ...defs,
    };
  }
  switch (schema.type) {
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const converted = Object.fromEntries(
        Object.entries(properties).map(([name, value]) => [
          name,
          toGrammarSchema(value, `${param}.properties.${name}`),
        ]),
      );
      return { type: 'object', properties: converted, ...description, ...defs };
    }
    case 'array': {
      const out: Record<string, unknown> = { type: 'array', ...description, ...defs };
      if (schema.items !== undefined) out.items = toGrammarSchema(schema.items, `${param}.items`);
      if (Array.isArray(schema.prefixItems)) {
        out.prefixItems = schema.prefixItems.map((item, index) =>
          toGrammarSchema(item, `${param}.prefixItems[${index}]`),
        );
      }
      if (typeof schema.minItems === 'number') out.minItems = schema.minItems;
      if (typeof schema.maxItems === 'number') out.maxItems = schema.maxItems;
      return out;
    }
    case 'string': {
      if (typeof schema.format === 'string' && STRING_FORMATS.has(schema.format)) {
        return { type: 'string', format: schema.format, ...description };
      }
      const out: Record<string, unknown> = { type: 'string', ...description };
      if (typeof schema.minLength === 'number') out.minLength = schema.minLength;
      if (typeof schema.maxLength === 'number') out.maxLength = schema.maxLength;
      return out;
    }
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return { type: schema.type, ...description };
    case undefined:
      return { ...ANY_VALUE, ...description, ...defs };
    default:
      return fail(param, `unknown type '${String(schema.type)}'`);
  }
}
