import { z } from 'zod';

/**
 * Providers send `null` where the spec says "absent" (e.g. `system_fingerprint: null`). Lenient upstream
 * schemas read such nulls as absent so the objects Voxgate re-emits validate against the spec.
 */
export const absentIfNull = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());
