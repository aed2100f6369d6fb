import { z } from 'zod';

/** JSON Schema object describing a function's parameters; validated as a schema by the tool registry, not here. */
export const FunctionParametersSchema = z.record(z.string(), z.unknown());

/** Function names: a–z, A–Z, 0–9, `_` and `-`, at most 64 characters (OpenAPI `FunctionObject.name`). */
export const FunctionNameSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must match ^[a-zA-Z0-9_-]{1,64}$');

export const FunctionToolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: FunctionNameSchema,
    description: z.string().optional(),
    parameters: FunctionParametersSchema.optional(),
    strict: z.boolean().nullish(),
  }),
});
export type FunctionTool = z.infer<typeof FunctionToolSchema>;

const CustomToolFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({
    type: z.literal('grammar'),
    grammar: z.strictObject({ definition: z.string(), syntax: z.enum(['lark', 'regex']) }),
  }),
]);

export const CustomToolSchema = z.strictObject({
  type: z.literal('custom'),
  custom: z.strictObject({
    name: z.string(),
    description: z.string().optional(),
    format: CustomToolFormatSchema.optional(),
  }),
});

export const ToolSchema = z.discriminatedUnion('type', [FunctionToolSchema, CustomToolSchema]);
export type Tool = z.infer<typeof ToolSchema>;

export const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({
    type: z.literal('allowed_tools'),
    allowed_tools: z.strictObject({
      mode: z.enum(['auto', 'required']),
      tools: z.array(z.record(z.string(), z.unknown())),
    }),
  }),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string() }) }),
  z.strictObject({ type: z.literal('custom'), custom: z.strictObject({ name: z.string() }) }),
]);

/** Deprecated `functions` entry. */
export const LegacyFunctionSchema = z.strictObject({
  name: FunctionNameSchema,
  description: z.string().optional(),
  parameters: FunctionParametersSchema.optional(),
});

export const LegacyFunctionCallSchema = z.union([z.enum(['none', 'auto']), z.strictObject({ name: z.string() })]);
