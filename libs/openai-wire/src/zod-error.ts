import type { z } from 'zod';
import { Errors } from './error-catalogue';
import type { GatewayError } from './gateway-error';

/** `['messages', 0, 'content']` → `messages[0].content`, the `param` notation OpenAI uses. */
export function toParamPath(path: readonly PropertyKey[]): string | null {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? null : out;
}

const quote = (value: unknown) => `'${String(value)}'`;

/**
 * Turns the first zod issue into OpenAI's 400: the same wording style and codes (`missing_required_parameter`,
 * `unknown_parameter`, `invalid_type`, `invalid_value`) with `param` pointing at the offending field.
 */
export function toInvalidRequest(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  return issue ? fromIssue(issue, []) : Errors.invalidRequest('The request body is invalid.');
}

function fromIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): GatewayError {
  const path = [...prefix, ...issue.path];
  const param = toParamPath(path);
  const name = param ?? 'body';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const full = toParamPath([...path, key]) ?? key;
      return Errors.invalidRequest(`Unrecognized request argument supplied: ${full}`, full, 'unknown_parameter');
    }
    case 'invalid_type':
      if (issue.input === undefined) {
        return Errors.invalidRequest(
          `Missing required parameter: ${quote(name)}.`,
          param,
          'missing_required_parameter',
        );
      }
      return Errors.invalidRequest(
        `Invalid type for ${quote(name)}: expected ${issue.expected}, but got ${describe(issue.input)} instead.`,
        param,
        'invalid_type',
      );
    case 'invalid_value':
      return Errors.invalidRequest(
        `Invalid value for ${quote(name)}: ${JSON.stringify(issue.input)}. Supported values are: ${issue.values.map((v) => quote(v)).join(', ')}.`,
        param,
      );
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        const onField = path.at(-1) === issue.discriminator;
        const field = toParamPath(onField ? path : [...path, issue.discriminator]) ?? issue.discriminator;
        const options = ('options' in issue ? (issue.options ?? []) : []).map((v) => quote(v)).join(', ');
        return Errors.invalidRequest(`Invalid value for ${quote(field)}. Supported values are: ${options}.`, field);
      }
      const deepest = deepestBranchIssue(issue.errors);
      if (deepest) return fromIssue(deepest, path);
      return Errors.invalidRequest(`Invalid value for ${quote(name)}: it matches none of the accepted shapes.`, param);
    }
    default:
      return Errors.invalidRequest(`Invalid ${quote(name)}: ${issue.message}.`, param);
  }
}

/**
 * For a union such as "string or array of parts", the useful error is the one from the branch that got
 * furthest into the value (a bad part), not "expected string" from the branch that failed at once.
 */
function deepestBranchIssue(branches: readonly (readonly z.core.$ZodIssue[])[]): z.core.$ZodIssue | undefined {
  let best: z.core.$ZodIssue | undefined;
  for (const issues of branches) {
    const first = issues[0];
    if (!first) continue;
    const shallowTypeMiss = first.code === 'invalid_type' && first.path.length === 0;
    if (shallowTypeMiss) continue;
    if (!best || first.path.length > best.path.length) best = first;
  }
  return best;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Parses an inbound body or throws the OpenAI-shaped 400. */
export function parseInbound<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw Errors.invalidRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  const result = schema.safeParse(body, { reportInput: true });
  if (!result.success) throw toInvalidRequest(result.error);
  return result.data;
}
