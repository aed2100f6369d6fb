import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { findUndeclaredKeys } from './openapi-undeclared-keys';
import { loadComponentSchemas, resolveOpenApiSpecPath } from './openapi-spec.loader';
import { STREAM_AUDIO_DELTA_SCHEMA } from './stream-audio-delta.schema';
import { excerptJson, formatAjvErrors } from './validation-errors.format';

/** Outcome of one validation: `errors` holds one line per violation, each starting with its JSON path. */
export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

export interface OpenApiValidatorOptions {
  /** Spec file to load; defaults to `$VOXGATE_OPENAPI_SPEC`, else the vendored `OPENAPI_SPEC_FIXTURE_PATH`. */
  specPath?: string;
}

export interface ValidateOptions {
  /**
   * Also report object keys the spec declares nowhere (see openapi-undeclared-keys.ts). The spec's schemas
   * are open (no `additionalProperties: false`), so without this `internal_metrics` or a stray request key
   * passes. Each such error line ends with `UNDECLARED_KEY`.
   */
  rejectUndeclaredKeys?: boolean;
}

export interface StreamChunkOptions extends ValidateOptions {
  /**
   * Treat a choice without a `finish_reason` key as `finish_reason: null`. The spec requires the key, but
   * gpt-4o-audio-preview omits it on its final `{ audio: { expires_at } }` delta (openai-contract.md §3.2),
   * so this is needed to check chunks recorded from (or faithful to) the real upstream. Leave it off when
   * checking what Voxgate sends to its clients.
   */
  allowMissingFinishReason?: boolean;
  /**
   * Format of the streamed audio (default `pcm16`). Only pcm16 fragments must be whole 16-bit samples; an
   * encoded format (mp3, opus, …) is cut wherever the encoder produced bytes.
   */
  audioFormat?: string;
}

const SPEC_ID = 'https://voxgate.invalid/openai-openapi.json';
const AUDIO_DELTA = '#stream-audio-delta';

/** Ajv instances per spec file per process; schemas are compiled on first use and kept. */
interface CompiledSpec {
  /** Honours OpenAPI `discriminator` (one branch checked, one clear error), where Ajv supports its form. */
  tagged: Ajv2020;
  /** Without `discriminator`, for the schemas whose discriminators Ajv cannot compile; made on demand. */
  plain: Ajv2020 | undefined;
  names: ReadonlySet<string>;
  validators: Map<string, ValidateFunction>;
}

const compiledSpecs = new Map<string, CompiledSpec>();

function compiledSpec(specPath: string): CompiledSpec {
  let spec = compiledSpecs.get(specPath);
  if (spec === undefined) {
    const names = new Set(Object.keys(loadComponentSchemas(specPath)));
    spec = { tagged: newAjv(specPath, true), plain: undefined, names, validators: new Map() };
    compiledSpecs.set(specPath, spec);
  }
  return spec;
}

function newAjv(specPath: string, discriminator: boolean): Ajv2020 {
  // validateSchema is off: meta-validating a 3 MB schema is slow, and Ajv reports real defects on compile.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, discriminator });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: (value: number) => Number.isInteger(value) });
  ajv.addFormat('png', true);
  ajv.addSchema({ $id: SPEC_ID, components: { schemas: loadComponentSchemas(specPath) } });
  return ajv;
}

function compileComponent(spec: CompiledSpec, specPath: string, schemaName: string): ValidateFunction {
  const schema = { $ref: `${SPEC_ID}#/components/schemas/${schemaName}` };
  try {
    return spec.tagged.compile(schema);
  } catch {
    // Ajv only supports `discriminator` over `oneOf` branches that each declare the tag property
    // (113 of the spec's 1422 schemas do otherwise); plain oneOf/anyOf semantics are equivalent.
    spec.plain ??= newAjv(specPath, false);
    return spec.plain.compile(schema);
  }
}

/**
 * Validates values against component schemas of OpenAI's OpenAPI spec (`components.schemas`), with
 * Ajv in JSON Schema 2020-12 mode. OpenAPI-only keywords (`discriminator`, `example`, `x-oai*`) are
 * ignored; OpenAPI 3.0 leftovers such as `nullable` are rewritten first (see openapi-schema.normalize.ts).
 *
 * Loading is lazy and shared: the first validation in a process parses the spec, and every schema is
 * compiled once, on first use, whatever the number of `OpenApiValidator` instances.
 */
export class OpenApiValidator {
  readonly specPath: string;

  constructor(options: OpenApiValidatorOptions = {}) {
    this.specPath = options.specPath ?? resolveOpenApiSpecPath();
  }

  /** Whether the spec declares `components.schemas[schemaName]`. */
  hasSchema(schemaName: string): boolean {
    return compiledSpec(this.specPath).names.has(schemaName);
  }

  /** Validates `value` against `components.schemas[schemaName]`; throws if the spec has no such schema. */
  validate(schemaName: string, value: unknown, options: ValidateOptions = {}): ValidationResult {
    const validator = this.validatorFor(schemaName);
    const errors = validator(value) ? [] : formatAjvErrors(validator.errors);
    if (options.rejectUndeclaredKeys === true) {
      errors.push(...findUndeclaredKeys(loadComponentSchemas(this.specPath), schemaName, value));
    }
    return { valid: errors.length === 0, errors };
  }

  /** Like `validate`, but throws an Error listing the violations and an excerpt of the value. */
  assertValid(schemaName: string, value: unknown, options: ValidateOptions = {}): void {
    throwIfInvalid(schemaName, this.validate(schemaName, value, options), value);
  }

  /**
   * Validates one chunk of a chat completion stream: the chunk, minus each `choices[].delta.audio`, against
   * `CreateChatCompletionStreamResponse`, and each removed `delta.audio` against the contract shape in
   * stream-audio-delta.schema.ts (also checking that `data` decodes to whole 16-bit samples).
   */
  validateStreamChunk(chunk: unknown, options: StreamChunkOptions = {}): ValidationResult {
    const { withoutAudio, audios } = splitDeltaAudio(chunk, options);
    const errors = this.validate('CreateChatCompletionStreamResponse', withoutAudio, options).errors;
    const audioValidator = this.audioDeltaValidator();
    for (const { choiceIndex, audio } of audios) {
      const prefix = `/choices/${choiceIndex}/delta/audio`;
      if (!audioValidator(audio)) errors.push(...formatAjvErrors(audioValidator.errors, prefix));
      else if (
        (options.audioFormat ?? 'pcm16') === 'pcm16' &&
        isRecord(audio) &&
        typeof audio['data'] === 'string' &&
        Buffer.from(audio['data'], 'base64').length % 2 !== 0
      ) {
        errors.push(`${prefix}/data must decode to an even number of bytes (whole pcm16 samples)`);
      }
    }
    return { valid: errors.length === 0, errors };
  }

  /** Like `validateStreamChunk`, but throws an Error listing the violations and an excerpt of the chunk. */
  assertValidStreamChunk(chunk: unknown, options: StreamChunkOptions = {}): void {
    throwIfInvalid('CreateChatCompletionStreamResponse', this.validateStreamChunk(chunk, options), chunk);
  }

  private validatorFor(schemaName: string): ValidateFunction {
    const spec = compiledSpec(this.specPath);
    let validator = spec.validators.get(schemaName);
    if (validator !== undefined) return validator;
    if (!spec.names.has(schemaName)) throw new Error(`${this.specPath} has no component schema '${schemaName}'`);
    validator = compileComponent(spec, this.specPath, schemaName);
    spec.validators.set(schemaName, validator);
    return validator;
  }

  private audioDeltaValidator(): ValidateFunction {
    const spec = compiledSpec(this.specPath);
    let validator = spec.validators.get(AUDIO_DELTA);
    if (validator === undefined) {
      validator = spec.tagged.compile(STREAM_AUDIO_DELTA_SCHEMA);
      spec.validators.set(AUDIO_DELTA, validator);
    }
    return validator;
  }
}

function throwIfInvalid(schemaName: string, result: ValidationResult, value: unknown): void {
  if (result.valid) return;
  const lines = result.errors.map((error) => `  - ${error}`).join('\n');
  throw new Error(`Value does not match ${schemaName}:\n${lines}\nValue: ${excerptJson(value)}`);
}

interface SplitChunk {
  withoutAudio: unknown;
  audios: { choiceIndex: number; audio: unknown }[];
}

function splitDeltaAudio(chunk: unknown, options: StreamChunkOptions): SplitChunk {
  const audios: SplitChunk['audios'] = [];
  if (!isRecord(chunk) || !Array.isArray(chunk['choices'])) return { withoutAudio: chunk, audios };
  const withoutAudio = structuredClone(chunk) as Record<string, unknown> & { choices: unknown[] };
  withoutAudio.choices.forEach((choice, choiceIndex) => {
    if (!isRecord(choice)) return;
    if (options.allowMissingFinishReason === true && !('finish_reason' in choice)) choice['finish_reason'] = null;
    const delta = choice['delta'];
    if (!isRecord(delta) || !('audio' in delta)) return;
    audios.push({ choiceIndex, audio: delta['audio'] });
    delete delta['audio'];
  });
  return { withoutAudio, audios };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
