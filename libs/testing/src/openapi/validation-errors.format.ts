import type { ErrorObject } from 'ajv';

/** Longest string shown verbatim in an error report; longer ones (base64 audio) are elided. */
const MAX_STRING = 120;
/** Longest JSON excerpt of the offending value in an error report. */
const MAX_JSON = 2_000;

/** One line per Ajv error: instance path, message, and the parameter that explains it. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): string[] {
  const lines = withoutUnionNoise(errors ?? []).map((error) => {
    const where = `${prefix}${error.instancePath}` || '/';
    return `${where} ${error.message ?? 'is invalid'}${describeParams(error)}`;
  });
  return [...new Set(lines)];
}

/**
 * The spec writes "nullable" as `anyOf: [X, { type: 'null' }]`, so one bad value yields three errors
 * (`must be <= 2`, `must be null`, `must match a schema in anyOf`). Keep the one that explains it: drop
 * "must be null" and the anyOf/oneOf summary when a more specific error exists at or under that path.
 */
function withoutUnionNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((error) => !isUnionSummary(error) && !isNullBranch(error));
  const explained = (error: ErrorObject): boolean =>
    specific.some((other) => other !== error && isAtOrUnder(other.instancePath, error.instancePath));
  return errors.filter((error) => !((isUnionSummary(error) || isNullBranch(error)) && explained(error)));
}

function isUnionSummary(error: ErrorObject): boolean {
  return error.keyword === 'anyOf' || error.keyword === 'oneOf';
}

function isNullBranch(error: ErrorObject): boolean {
  return error.keyword === 'type' && (error.params as { type?: unknown }).type === 'null';
}

function isAtOrUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

function describeParams(error: ErrorObject): string {
  const params: Record<string, unknown> = error.params;
  if ('additionalProperty' in params) return ` ('${String(params['additionalProperty'])}')`;
  if ('allowedValues' in params) return ` (${JSON.stringify(params['allowedValues'])})`;
  if ('allowedValue' in params) return ` (${JSON.stringify(params['allowedValue'])})`;
  return '';
}

/** JSON of `value` with long strings elided and the whole cut to a readable size. */
export function excerptJson(value: unknown): string {
  const json =
    JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'string' && item.length > MAX_STRING ? `${item.slice(0, 40)}…(${item.length} chars)` : item,
    ) ?? String(value);
  return json.length > MAX_JSON ? `${json.slice(0, MAX_JSON)}…(${json.length} chars)` : json;
}
