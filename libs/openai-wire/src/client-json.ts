import { Errors } from './error-catalogue';
import type { GatewayError } from './gateway-error';

/**
 * Names that must never become keys of an object built from client input: assigning them into an
 * ordinary object reaches `Object.prototype` (`__proto__`) or a constructor (`constructor.prototype`),
 * which pollutes every object of the process. They are refused wherever a client names a key — JSON
 * bodies at any depth, multipart field names, query strings, batch lines, tool arguments — so no code
 * after the gateway's edge ever has to think about them.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * How deep client JSON may nest. OpenAI itself limits structured-output schemas to a few levels; 64
 * leaves room for any real tool schema while keeping every recursive walk (zod, the request estimate,
 * `JSON.stringify` towards the provider) far from the stack limit.
 */
export const MAX_CLIENT_JSON_DEPTH = 64;

export interface ClientJsonLimits {
  /** Deepest allowed nesting of objects and arrays (the top-level value is depth 1). */
  readonly maxDepth?: number;
  /** Where the value came from, prefixed to `param` paths (e.g. `request` for a multipart field). */
  readonly param?: string;
}

/**
 * `JSON.parse` for text a client sent. V8's parser is iterative, so any nesting parses; the result is
 * then checked by `assertClientValue` before anything recursive touches it. Syntax errors become
 * `invalid_json` (400), a too-deep or reserved-key value an `invalid_request_error` naming where.
 */
export function parseClientJson(text: string, limits: ClientJsonLimits = {}): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw Errors.invalidJson((error as Error).message);
  }
  assertClientValue(value, limits);
  return value;
}

/**
 * Checks an already-parsed client value: nesting within `maxDepth` and no reserved key at any depth.
 * Iterative (an explicit stack), so it is safe on any input; it visits each object and array once and
 * never looks inside strings, so megabytes of base64 audio cost nothing.
 */
export function assertClientValue(value: unknown, limits: ClientJsonLimits = {}): void {
  const error = findClientValueProblem(value, limits);
  if (error) throw error;
}

/** A value still to visit, and how it was reached (paths are only spelled out for an error). */
interface Visit {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Visit | null;
  readonly key: string | number | null;
}

/** The error `assertClientValue` would throw, or null. */
export function findClientValueProblem(value: unknown, limits: ClientJsonLimits = {}): GatewayError | null {
  const maxDepth = limits.maxDepth ?? MAX_CLIENT_JSON_DEPTH;
  const stack: Visit[] = [{ value, depth: 1, parent: null, key: null }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const current = visit.value;
    if (current === null || typeof current !== 'object') continue;
    if (visit.depth > maxDepth) {
      return Errors.invalidRequest(
        `The value nests deeper than ${maxDepth} levels of objects and arrays.`,
        pathOf(visit, limits.param) || null,
        'nesting_too_deep',
      );
    }
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--)
        stack.push({ value: current[index], depth: visit.depth + 1, parent: visit, key: index });
      continue;
    }
    for (const key of Object.keys(current)) {
      const child: Visit = {
        value: (current as Record<string, unknown>)[key],
        depth: visit.depth + 1,
        parent: visit,
        key,
      };
      if (RESERVED_KEYS.has(key)) return reservedKey(key, pathOf(child, limits.param));
      stack.push(child);
    }
  }
  return null;
}

/** `tools[0].function.parameters`-style path of a visit, under `root` when given. */
function pathOf(visit: Visit, root = ''): string {
  const parts: string[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) {
    parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  }
  const path = root + parts.reverse().join('');
  return path.startsWith('.') ? path.slice(1) : path;
}

/** The 400 for a reserved name used as a key, a form field or a query parameter. */
export function reservedKey(key: string, param: string): GatewayError {
  return Errors.invalidRequest(
    `'${key}' is not allowed as a property, field or parameter name.`,
    param,
    'reserved_name',
  );
}
