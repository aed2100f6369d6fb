import { createHash } from 'node:crypto';
import type { JsonValue } from '../tool-module';

/**
 * JSON with object keys sorted at every depth and no whitespace, so `{"b":1,"a":2}` and `{"a":2,"b":1}`
 * serialise (and hash) identically. Arrays keep their order: it is meaningful.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
}

/** Hex SHA-256 of `canonicalJson(value)`. */
export function canonicalHash(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
