/** Keys a config file may not use: assigning them would reach `Object.prototype`. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deep merge for config layers: objects merge key by key, everything else (arrays included) is
 * replaced. Keys are defined, never assigned, and reserved names are dropped, so a YAML file with a
 * `__proto__:` key cannot pollute the process.
 */
export function mergeConfig(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = {};
  const define = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(base)) if (!RESERVED.has(key)) define(key, value);
  for (const [key, value] of Object.entries(override)) {
    if (!RESERVED.has(key)) define(key, mergeConfig(Object.hasOwn(base, key) ? base[key] : undefined, value));
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
