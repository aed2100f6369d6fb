import { z } from 'zod';

// Number shapes every config schema shares (YAML and environment values arrive as strings).
export const port = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const nonNegative = z.coerce.number().min(0);
