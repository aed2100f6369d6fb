import { z } from 'zod';

// Number shapes every config schema shares (YAML and environment values arrive as strings).
export const port = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const nonNegative = z.coerce.number().min(0);

/** A browser origin as sent in `Origin`: `http(s)://host[:port]`, lower-case, no path or trailing slash. */
export const corsOrigin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}, 'must be an origin as browsers send it: scheme://host[:port], lower-case, no path or trailing slash');
