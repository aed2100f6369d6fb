/**
 * Rewrites the OpenAPI 3.0 leftovers that OpenAI's 3.1 spec still contains into their JSON Schema 2020-12
 * meaning, so Ajv validates what the spec authors meant instead of silently ignoring a keyword.
 *
 * - `nullable: true` (111 occurrences, e.g. every `finish_reason`, `usage` and `logprobs` of
 *   `CreateChatCompletionStreamResponse`) is not a 2020-12 keyword: left alone, `finish_reason: null`
 *   would fail `type: string`. The node becomes `{ anyOf: [<node without nullable>, { type: 'null' }] }`,
 *   which is right whether the node carries `type`, `enum`, `$ref` or `allOf`.
 * - Boolean `exclusiveMinimum`/`exclusiveMaximum` (3.0 style, fine-tuning schemas) become the numeric
 *   2020-12 form; Ajv refuses to compile the boolean form.
 * - Empty `format:` values are dropped.
 *
 * Mutates `node` in place (it is a freshly parsed document) and returns the replacement for it.
 */
export function normalizeOpenApiSchema(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (let index = 0; index < node.length; index += 1) node[index] = normalizeOpenApiSchema(node[index]);
    return node;
  }
  if (!isRecord(node)) return node;
  for (const key of Object.keys(node)) node[key] = normalizeOpenApiSchema(node[key]);

  rewriteExclusiveBound(node, 'exclusiveMinimum', 'minimum');
  rewriteExclusiveBound(node, 'exclusiveMaximum', 'maximum');
  if (node['format'] === '' || node['format'] === null) delete node['format'];

  // Only the boolean is the keyword; a property *named* `nullable` would hold a schema object.
  if (typeof node['nullable'] !== 'boolean') return node;
  const nullable = node['nullable'];
  delete node['nullable'];
  return nullable ? { anyOf: [node, { type: 'null' }] } : node;
}

function rewriteExclusiveBound(node: Record<string, unknown>, exclusive: string, inclusive: string): void {
  const flag = node[exclusive];
  if (typeof flag !== 'boolean') return;
  const bound = node[inclusive];
  if (flag && typeof bound === 'number') {
    node[exclusive] = bound;
    delete node[inclusive];
  } else {
    delete node[exclusive];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
