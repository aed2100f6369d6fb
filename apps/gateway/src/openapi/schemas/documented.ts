import type { z } from 'zod';

/** A component of the document: its name under `#/components/schemas` and the zod schema it is made from. */
export interface NamedSchema {
  readonly id: string;
  readonly schema: z.ZodType;
  /** Shown above the schema in the viewer. */
  readonly description?: string;
}

/**
 * Compile-time contract between a handler and the schema that documents its response: `true` only when
 * every value of `Actual` (what the handler returns) is a value of the documented schema's output, and both
 * name the same top-level keys (nothing undocumented is sent, nothing documented is never sent). Use it as
 * `type _Checked = Assert<Describes<typeof Schema, Actual>>`: a drift fails `npm run typecheck`.
 */
export type Describes<Documented extends z.ZodType, Actual> = [Actual] extends [z.output<Documented>]
  ? [Exclude<keyof Actual, keyof z.output<Documented>> | Exclude<keyof z.output<Documented>, keyof Actual>] extends [
      never,
    ]
    ? true
    : false
  : false;

export type Assert<T extends true> = T;
