import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonObject } from '../tool-module';

/** One argument problem, in words the model can act on. */
export interface ArgumentIssue {
  /** JSON Pointer of the offending value (`/slot_id`), `''` for the whole object. */
  readonly path: string;
  readonly message: string;
}

export type SchemaCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

const DRAFT_07 = /json-schema\.org\/draft-0[67]\/schema/;

/**
 * The two dialects tool schemas are written in: JSON Schema 2020-12 (the default, what OpenAI documents)
 * and draft-07 (when the schema's `$schema` says so, as many MCP servers emit). Not strict: unknown
 * keywords such as `examples` in an ops-written schema are annotations, not errors.
 */
export class JsonSchemaDialects {
  private readonly modern = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  private readonly draft07 = addFormats(new Ajv({ strict: false, allErrors: true }));

  /** The Ajv instance for a schema's declared dialect. */
  for(schema: JsonObject): Ajv {
    const declared = schema.$schema;
    return typeof declared === 'string' && DRAFT_07.test(declared) ? this.draft07 : this.modern;
  }

  /**
   * Is `schema` usable as a tool's parameters: a valid JSON Schema (meta-schema check), of `type: "object"`,
   * that compiles (no unresolvable `$ref`)?
   */
  checkParameters(schema: unknown): SchemaCheck {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
      return { ok: false, message: 'parameters must be a JSON Schema object' };
    const object = schema as JsonObject;
    const ajv = this.for(object);
    let valid: boolean;
    try {
      valid = ajv.validateSchema(object) === true;
    } catch (error) {
      return { ok: false, message: `parameters is not a valid JSON Schema: ${messageOf(error)}` };
    }
    if (!valid) {
      return { ok: false, message: `parameters is not a valid JSON Schema: ${describeIssues(ajv.errors ?? [])}` };
    }
    if (object.type !== 'object') return { ok: false, message: 'parameters must be a schema of type "object"' };
    try {
      ajv.compile(object);
    } catch (error) {
      return { ok: false, message: `parameters does not compile: ${messageOf(error)}` };
    }
    return { ok: true };
  }

  compile(schema: JsonObject): ValidateFunction {
    return this.for(schema).compile(schema);
  }
}

export function toIssues(errors: readonly ErrorObject[]): ArgumentIssue[] {
  return errors.map((error) => {
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty?: string }).missingProperty ?? '';
      return { path: `${error.instancePath}/${missing}`, message: 'is required' };
    }
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty ?? '';
      return { path: `${error.instancePath}/${extra}`, message: 'is not an allowed property' };
    }
    return { path: error.instancePath, message: error.message ?? error.keyword };
  });
}

function describeIssues(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`)
    .join('; ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
