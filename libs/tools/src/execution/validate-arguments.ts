import { findClientValueProblem } from '@voxgate/openai-wire';
import type { ValidateFunction } from 'ajv';
import { type ArgumentIssue, JsonSchemaDialects, toIssues } from '../json-schema/json-schema';
import type { JsonObject } from '../tool-module';
import { canonicalHash } from './canonical-json';

export type ArgumentCheck =
  | { readonly valid: true; readonly input: JsonObject }
  | { readonly valid: false; readonly issues: readonly ArgumentIssue[] };

/**
 * Parses the model's `arguments` string and validates it against the tool's JSON Schema. Validators are
 * compiled once per distinct schema (keyed by its canonical hash, so an updated tool gets a new one) and
 * kept in a bounded cache: compiling is the expensive part.
 */
export class ArgumentValidator {
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly dialects = new JsonSchemaDialects(),
    private readonly maxCached = 500,
  ) {}

  check(schema: JsonObject, rawArguments: string): ArgumentCheck {
    let input: unknown;
    try {
      input = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
    } catch {
      return { valid: false, issues: [{ path: '', message: 'arguments are not valid JSON' }] };
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      return { valid: false, issues: [{ path: '', message: 'arguments must be a JSON object' }] };
    // The model writes what a client steered it to: the same depth limit and reserved names as requests.
    const problem = findClientValueProblem(input);
    if (problem) return { valid: false, issues: [{ path: problem.param ?? '', message: problem.message }] };
    const validate = this.validatorFor(schema);
    if (validate(input)) return { valid: true, input: input as JsonObject };
    return { valid: false, issues: toIssues(validate.errors ?? []) };
  }

  private validatorFor(schema: JsonObject): ValidateFunction {
    const key = canonicalHash(schema);
    const cached = this.compiled.get(key);
    if (cached) {
      // Re-insert: Map order doubles as least-recently-used order.
      this.compiled.delete(key);
      this.compiled.set(key, cached);
      return cached;
    }
    const validate = this.dialects.compile(schema);
    this.compiled.set(key, validate);
    if (this.compiled.size > this.maxCached) {
      const oldest = this.compiled.keys().next().value;
      if (oldest !== undefined) this.compiled.delete(oldest);
    }
    return validate;
  }
}
