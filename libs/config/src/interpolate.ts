/**
 * `${NAME}` and `${NAME:-fallback}` in string values are replaced by environment variables after the YAML is
 * parsed (so a value can never inject YAML). `$${` writes a literal `${`. An unset variable without a
 * fallback is an error that names the config key, so a typo cannot silently become an empty secret.
 */
export class InterpolationError extends Error {}

const PATTERN = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, env, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, env, [...path, key])]),
    );
  }
  return value;
}

function interpolateString(text: string, env: NodeJS.ProcessEnv, path: string[]): string {
  return text.replace(PATTERN, (match, escaped: string, name: string, fallback: string | undefined) => {
    if (escaped) return match.slice(1);
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new InterpolationError(
      `${path.join('.') || '(root)'}: environment variable ${name} is not set (write \${${name}:-} to allow an empty value)`,
    );
  });
}
