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
 * - A schema whose `default` is `null`, or whose description says it "can be set to `null`", accepts
 *   `null` (treated as `nullable: true`): the Realtime session's `audio.input.noise_reduction`
 *   (`type: object, default: null`) and `transcription` (a `$ref`) are documented as "set to `null` to
 *   turn off", which OpenAI accepts and `@openai/agents-realtime` sends (`noise_reduction: null` by default).
 *
 * Mutates `node` in place (it is a freshly parsed document) and returns the replacement for it.
 */
/**
 * The user item's `input_audio` part's `transcript` (spec: `type: string`) is `null` until the audio is
 * transcribed, in OpenAI's answers: `@openai/agents-realtime` requires the key (`z.string().nullable()`)
 * and fails on an item without it, so servers send `null` and the spec must accept it.
 */
const INPUT_AUDIO_TRANSCRIPT = 'Transcript of the audio (for `input_audio`)';

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

  // `default: null` (the keyword: a property *named* `default` would hold a schema object) means nullable.
  const description = typeof node['description'] === 'string' ? node['description'] : '';
  const documentedNullable = /can be set to `null`/.test(description) || description.startsWith(INPUT_AUDIO_TRANSCRIPT);
  if ((node['default'] === null || documentedNullable) && node['nullable'] === undefined && node['type'] !== 'null') {
    node['nullable'] = true;
  }
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
