import { z } from 'zod';
import { TOOL_EFFECTS, type JsonObject, type ToolEffect } from '../tool-module';

/**
 * Names the model calls tools by (OpenAI's `^[a-zA-Z0-9_-]{1,64}$`). A double underscore is reserved for
 * the tools of MCP servers, exposed as `<server>__<tool>`, so registered names cannot collide with them.
 */
export const ToolNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must match ^[a-zA-Z0-9_-]{1,64}$')
  .refine((name) => !name.includes('__'), 'must not contain "__" (reserved for MCP tool namespaces)');

/** The operations of the built-in modules (see builtin/*). */
export const BUILTIN_OPERATIONS = {
  search: ['search'],
  booking: ['check_availability', 'book', 'cancel'],
  payment: ['charge', 'refund', 'lookup'],
} as const;
export type BuiltinModuleName = keyof typeof BUILTIN_OPERATIONS;
export type BuiltinOperationName<M extends BuiltinModuleName = BuiltinModuleName> =
  (typeof BUILTIN_OPERATIONS)[M][number];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by the gateway on every tool request; a tool may not override them. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'idempotency-key',
  'x-voxgate-tenant-id',
  'x-voxgate-request-id',
]);

/**
 * Static headers sent to a remote tool. Values are treated as secrets: stored, sent, never returned by a
 * read view (`***`) nor logged. On update, a value of `***` keeps the stored one.
 */
const HeadersSchema = z
  .record(
    z.string().regex(HEADER_NAME, 'is not a valid header name'),
    z
      .string()
      .max(8_192)
      .regex(/^[^\r\n]*$/),
  )
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (RESERVED_HEADERS.has(name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [name], message: `header '${name}' is set by the gateway` });
    }
  })
  .default({});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2_048);

export const BuiltinImplementationSchema = z.discriminatedUnion('module', [
  z.strictObject({
    type: z.literal('builtin'),
    module: z.literal('search'),
    operation: z.literal('search').default('search'),
  }),
  z.strictObject({
    type: z.literal('builtin'),
    module: z.literal('booking'),
    operation: z.enum(BUILTIN_OPERATIONS.booking),
  }),
  z.strictObject({
    type: z.literal('builtin'),
    module: z.literal('payment'),
    operation: z.enum(BUILTIN_OPERATIONS.payment),
  }),
]);

export const HttpImplementationSchema = z.strictObject({
  type: z.literal('http'),
  /** The endpoint; checked against SSRF at registration and on every call. */
  url: httpUrl,
  /** `POST`/`PUT`/`PATCH`/`DELETE` send the arguments as a JSON body; `GET` as query parameters. */
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: HeadersSchema,
});

export const McpImplementationSchema = z.strictObject({
  type: z.literal('mcp'),
  /** A Streamable HTTP MCP endpoint (e.g. `https://tools.example.com/mcp`). */
  url: httpUrl,
  headers: HeadersSchema,
});

export const ImplementationSchema = z.union([
  BuiltinImplementationSchema,
  HttpImplementationSchema,
  McpImplementationSchema,
]);
export type BuiltinImplementation = z.infer<typeof BuiltinImplementationSchema>;
export type HttpImplementation = z.infer<typeof HttpImplementationSchema>;
export type McpImplementation = z.infer<typeof McpImplementationSchema>;
export type ToolImplementation = z.infer<typeof ImplementationSchema>;

/**
 * A tool as ops send it (`POST /admin/tools`, `PUT /admin/tools/{name}`), before the registry's checks
 * that need config or I/O (timeout bounds, JSON Schema validity, SSRF, MCP probe).
 *
 * - `description`: required for `http`; defaults to the operation's for `builtin`; for `mcp`, prefixed to
 *   each server tool's own description.
 * - `parameters`: a JSON Schema of `type: "object"`. Required for `http`; optional for `builtin` (defaults
 *   to the operation's own schema); not allowed for `mcp` (each server tool brings its own).
 * - `effect`: defaults to the operation's own for `builtin` (and may only be made stricter), and to the
 *   strictest, `side_effect`, for `http` and `mcp`.
 * - `timeout_ms`: defaults to `tools.defaultTimeoutMs`, at most `tools.maxTimeoutMs`.
 */
export const ToolDefinitionInputSchema = z
  .strictObject({
    name: ToolNameSchema,
    description: z.string().trim().min(1).max(1_024).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    effect: z.enum(TOOL_EFFECTS).optional(),
    timeout_ms: z.number().int().positive().optional(),
    implementation: ImplementationSchema,
  })
  .superRefine((tool, ctx) => {
    const type = tool.implementation.type;
    if (type === 'http' && tool.description === undefined)
      ctx.addIssue({ code: 'custom', path: ['description'], message: 'is required for http tools', input: undefined });
    if (type === 'http' && tool.parameters === undefined)
      ctx.addIssue({ code: 'custom', path: ['parameters'], message: 'is required for http tools', input: undefined });
    if (type === 'mcp' && tool.parameters !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['parameters'],
        message: 'is not allowed for mcp tools: each tool of the server brings its own schema',
      });
  });
export type ToolDefinitionInput = z.infer<typeof ToolDefinitionInputSchema>;

/** A tool as the registry stores it: every default applied. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** `null` for `mcp` tools, whose schemas come from the server. */
  readonly parameters: JsonObject | null;
  readonly effect: ToolEffect;
  readonly timeout_ms: number;
  readonly implementation: ToolImplementation;
  /** Unix ms. */
  readonly created_at: number;
  readonly updated_at: number;
  /**
   * Random per registration: an enablement records the generation it enabled, so a tool removed and
   * registered again under the same name is not silently enabled for the tenants of the old one.
   */
  readonly generation: string;
}

/** What a read (GET, list, log line) may show of a tool: header values replaced by `***`. */
export type ToolPublicView = Omit<ToolDefinition, 'generation'>;

export const REDACTED = '***';

export function toPublicView(tool: ToolDefinition): ToolPublicView {
  const { generation: _generation, ...rest } = tool;
  const implementation = tool.implementation;
  if (implementation.type === 'builtin') return rest;
  return {
    ...rest,
    implementation: {
      ...implementation,
      headers: Object.fromEntries(Object.keys(implementation.headers).map((name) => [name, REDACTED])),
    },
  };
}
