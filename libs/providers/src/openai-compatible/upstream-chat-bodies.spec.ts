import { ChatCompletionChunkSchema, ChatCompletionResponseSchema } from '@voxgate/openai-wire';
import { fixtureJson, fixtureText } from './__fixtures__/adapter-harness';
import { readChatCompletion, readChatCompletionChunk } from './upstream-chat-bodies';

/**
 * The hand-written readers against the zod schemas they replace on the hot path: for recorded bodies and
 * for every single-field mutation of bodies that use every field (removed, null, each wrong type, an
 * unknown key beside it), both fail, or both give the same object.
 */

/** A completion with every field the schema knows, both tool call kinds and a loose annotation. */
const FULL_COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1729231143,
  model: 'gpt-4o',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Hi',
        refusal: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } },
          { id: 'call_2', type: 'custom', custom: { name: 'grammar', input: 'x' } },
        ],
        annotations: [{ type: 'url_citation', url_citation: { url: 'https://example.com', start_index: 0 } }],
        function_call: { name: 'legacy', arguments: '{}' },
        audio: { id: 'audio_1', expires_at: 1729234747, data: 'UklGRg==', transcript: 'Hi' },
      },
      finish_reason: 'tool_calls',
      logprobs: { content: [] },
    },
  ],
  usage: {
    prompt_tokens: 17,
    completion_tokens: 181,
    total_tokens: 198,
    prompt_tokens_details: {
      cached_tokens: 0,
      audio_tokens: 3,
      text_tokens: 14,
      image_tokens: 0,
      cache_write_tokens: 1,
    },
    completion_tokens_details: {
      reasoning_tokens: 0,
      text_tokens: 33,
      audio_tokens: 148,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_1',
  metadata: { team: 'voice' },
};

/** A chunk with every field the schema knows. */
const FULL_CHUNK = {
  id: 'chatcmpl-2',
  object: 'chat.completion.chunk',
  created: 1729444178,
  model: 'gpt-4o',
  choices: [
    {
      index: 0,
      delta: {
        role: 'assistant',
        content: 'Hi',
        refusal: null,
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"a"' } }],
        function_call: { name: 'legacy', arguments: '{}' },
        audio: { id: 'audio_1', data: 'UklGRg==', expires_at: 1729447778, transcript: 'Hi' },
      },
      finish_reason: null,
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, completion_tokens_details: { audio_tokens: 2 } },
  obfuscation: 'abc',
  service_tier: null,
  system_fingerprint: 'fp_2',
};

const WRONG_VALUES: readonly unknown[] = ['text', '', 0, -1, 1.5, 2 ** 60, true, [], {}, [1], 'assistant', 'function'];

type Path = readonly (string | number)[];

/** Every path to a value inside `value` (object keys and array indexes), parents before children. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...paths(item, [...prefix, key])]);
}

/** A copy of `value` with the item at `path` replaced (`undefined`: removed) and, if given, a key added beside it. */
function mutated(value: unknown, path: Path, replacement: unknown, sibling?: string): unknown {
  const copy: unknown = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (sibling !== undefined) parent[sibling] = 'unknown';
  else if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

function variants(body: unknown): { name: string; value: unknown }[] {
  const out = [{ name: 'as is', value: body }];
  for (const path of paths(body)) {
    const at = path.join('.');
    out.push({ name: `${at} removed`, value: mutated(body, path, undefined) });
    out.push({ name: `${at} null`, value: mutated(body, path, null) });
    out.push({ name: `unknown key beside ${at}`, value: mutated(body, path, undefined, 'internal_extra') });
    for (const wrong of WRONG_VALUES) {
      out.push({ name: `${at} = ${JSON.stringify(wrong)}`, value: mutated(body, path, wrong) });
    }
  }
  return out;
}

function sameAsSchema(
  read: (json: unknown) => unknown,
  schema: { safeParse(json: unknown): { success: boolean; data?: unknown } },
  value: unknown,
): void {
  const expected = schema.safeParse(value);
  const actual = read(value);
  if (!expected.success) expect(actual).toBeNull();
  else expect(actual).toEqual(expected.data);
}

describe('readChatCompletion', () => {
  const cases = [
    ...variants(FULL_COMPLETION),
    ...variants(fixtureJson('chat-completion.audio.json')),
    { name: 'not an object', value: [FULL_COMPLETION] },
    { name: 'null', value: null },
    { name: 'a chunk', value: FULL_CHUNK },
  ];

  it('reads a full completion, dropping unknown keys and reading null as absent', () => {
    const read = readChatCompletion({ ...FULL_COMPLETION, internal_metrics: [], system_fingerprint: null });
    expect(read).not.toHaveProperty('internal_metrics');
    expect(read).not.toHaveProperty('system_fingerprint');
    expect(read?.choices[0]?.message.tool_calls).toHaveLength(2);
  });

  it(`matches ChatCompletionResponseSchema on ${cases.length} recorded and mutated bodies`, () => {
    expect(cases.length).toBeGreaterThan(1_000);
    for (const { name, value } of cases) {
      try {
        sameAsSchema(readChatCompletion, ChatCompletionResponseSchema, value);
      } catch (error) {
        throw new Error(`${name}: ${String(error)}`);
      }
    }
  });
});

describe('readChatCompletionChunk', () => {
  const recorded = fixtureText('chat-completion.audio-stream.sse.txt')
    .split('\n\n')
    .filter((event) => event.startsWith('data: {'))
    .map((event) => JSON.parse(event.slice('data: '.length)) as unknown);
  const cases = [
    ...variants(FULL_CHUNK),
    ...recorded.flatMap((chunk) => variants(chunk)),
    { name: 'not an object', value: 'data' },
    { name: 'a completion', value: FULL_COMPLETION },
  ];

  it('gives every choice a delta and a finish_reason, and keeps a null usage', () => {
    const read = readChatCompletionChunk({ ...FULL_CHUNK, usage: null, choices: [{ index: 0 }] });
    expect(read?.choices).toEqual([{ index: 0, delta: {}, finish_reason: null }]);
    expect(read?.usage).toBeNull();
  });

  it(`matches ChatCompletionChunkSchema on ${cases.length} recorded and mutated chunks`, () => {
    expect(cases.length).toBeGreaterThan(1_000);
    for (const { name, value } of cases) {
      try {
        sameAsSchema(readChatCompletionChunk, ChatCompletionChunkSchema, value);
      } catch (error) {
        throw new Error(`${name}: ${String(error)}`);
      }
    }
  });
});
