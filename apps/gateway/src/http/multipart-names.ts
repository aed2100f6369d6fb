import { Errors, RESERVED_KEYS, reservedKey } from '@voxgate/openai-wire';

/**
 * A form field or part name, checked before it is used: present, and neither the name nor any
 * `[segment]` of it a reserved name (`__proto__`, `constructor`, `prototype`).
 */
export function assertFieldName(name: string | undefined): asserts name is string {
  if (typeof name !== 'string' || name === '') throw Errors.invalidMultipart('a part has no name');
  for (const segment of name.split(/[[\]]+/)) {
    if (RESERVED_KEYS.has(segment)) throw reservedKey(segment, name);
  }
}

/** True for `multipart/form-data` (any parameters); the body is then read by `readMultipartForm`. */
export function isMultipartForm(contentType: string | undefined): contentType is string {
  return /^multipart\/form-data\b/i.test(contentType ?? '');
}
