import { seededRandom } from '@voxgate/testing';
import type { ChatCompletionChunk } from './chat-completions.chunk';
import { ChunkJson } from './chunk-json';

/** Chunks come in typed; the property tests feed it anything chunk-like. */
const encoderFor = () => {
  const encoder = new ChunkJson();
  return (value: unknown): string => encoder.encode(value as ChatCompletionChunk);
};

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-2024-08-06' };

describe('ChunkJson', () => {
  it.each<[string, unknown]>([
    ['a text delta', { ...base, choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }] }],
    [
      'the role delta',
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ],
    ['a finish delta', { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null }],
    ['the usage chunk', { ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } }],
    [
      'a tool call delta',
      {
        ...base,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a' } }],
            },
            finish_reason: null,
          },
        ],
      },
    ],
    [
      'an audio delta',
      {
        ...base,
        choices: [
          { index: 0, delta: { audio: { id: 'audio_1', data: 'AAAA', transcript: 'hi' } }, finish_reason: null },
        ],
      },
    ],
    [
      'logprobs',
      {
        ...base,
        choices: [
          {
            index: 0,
            delta: { content: 'x' },
            finish_reason: null,
            logprobs: { content: [{ token: 'x', logprob: -0.1 }] },
          },
        ],
      },
    ],
    [
      'a null content and refusal',
      { ...base, choices: [{ index: 0, delta: { content: null, refusal: null }, finish_reason: null }] },
    ],
    [
      'escapes and non-ASCII',
      {
        ...base,
        choices: [{ index: 0, delta: { content: 'a "b" \\ \n\t\u0001 é 😀 \u2028 \ud800' }, finish_reason: null }],
      },
    ],
    [
      'several choices',
      { ...base, choices: [0, 1, 2].map((index) => ({ index, delta: { content: `c${index}` }, finish_reason: null })) },
    ],
    [
      'optional top-level fields',
      { ...base, choices: [], service_tier: 'default', system_fingerprint: 'fp_1', obfuscation: 'xyz' },
    ],
    [
      "OpenAI's own chunk, as the upstream reader orders it",
      {
        ...base,
        choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null, logprobs: null }],
        usage: null,
        obfuscation: 'pN3z',
        service_tier: 'default',
        system_fingerprint: 'fp_07871e2ad8',
      },
    ],
    ['tail keys out of order', { ...base, choices: [], service_tier: 'default', usage: null }],
    ['a usage that is a string', { ...base, choices: [], usage: 'text' }],
    [
      'another key order',
      {
        choices: [{ finish_reason: null, delta: { content: 'x', role: 'assistant' }, index: 0 }],
        model: 'm',
        created: 2,
        object: 'chat.completion.chunk',
        id: 'i',
      },
    ],
    [
      'undefined values',
      {
        ...base,
        usage: undefined,
        choices: [{ index: 0, delta: { content: 'x', refusal: undefined }, finish_reason: null, logprobs: undefined }],
      },
    ],
    ['an unknown top-level key', { ...base, choices: [], 'we"ird': 1 }],
    ['an unknown choice key', { ...base, choices: [{ index: 0, delta: {}, finish_reason: null, 'o\\dd': [1] }] }],
    [
      'an unknown delta key',
      { ...base, choices: [{ index: 0, delta: { content: 'x', extra: { y: 1 } }, finish_reason: null }] },
    ],
    [
      'non-finite numbers',
      { ...base, created: Number.NaN, choices: [{ index: Number.POSITIVE_INFINITY, delta: {}, finish_reason: null }] },
    ],
    ['holes and undefined in choices', { ...base, choices: [undefined, null, 3, 'x', [1]] }],
    [
      'functions and symbols',
      {
        ...base,
        choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null, logprobs: () => 1 }],
        usage: Symbol('u'),
      },
    ],
    ['an own toJSON', { ...base, choices: [], toJSON: () => ({ replaced: true }) }],
    ['a delta that is not an object', { ...base, choices: [{ index: 0, delta: 'text', finish_reason: null }] }],
    ['empty', {}],
  ])('writes %s exactly as JSON.stringify does', (_name, chunk) => {
    const encode = encoderFor();
    expect(encode(chunk)).toBe(JSON.stringify(chunk));
    expect(encode(chunk)).toBe(JSON.stringify(chunk)); // again, with its head known
  });

  it("writes each chunk's own head when the id, created or model changes within a stream", () => {
    const encode = encoderFor();
    const chunk = (id: string, created: number, model: string) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }],
    });
    for (const each of [
      chunk('a', 1, 'm'),
      chunk('a', 1, 'm'),
      chunk('b', 1, 'm'),
      chunk('b', 2, 'm'),
      chunk('b', 2, 'n'),
      { ...chunk('b', 2, 'n'), object: 'other' },
      chunk('b', 2, 'n'),
    ]) {
      expect(encode(each)).toBe(JSON.stringify(each));
    }
  });

  it('agrees with JSON.stringify on 20,000 random chunk-like objects', () => {
    const random = seededRandom(12345);
    const encode = encoderFor();
    for (let run = 0; run < 20_000; run++) {
      const chunk = randomChunk(random);
      const expected = JSON.stringify(chunk);
      const actual = encode(chunk);
      if (actual !== expected) throw new Error(`run ${run}:\n${actual}\n${expected}`);
    }
  });
});

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomValue(random: Random, depth = 0): unknown {
  const kinds = [
    'string',
    'number',
    'null',
    'undefined',
    'boolean',
    depth < 2 ? 'object' : 'string',
    depth < 2 ? 'array' : 'null',
  ];
  switch (pick(random, kinds)) {
    case 'string':
      return pick(random, ['', 'tok ', 'a"b', 'line\nbreak', 'é😀', '\u0000\u001f', '\ud83d', 'x'.repeat(40)]);
    case 'number':
      return pick(random, [0, -0, 1, -7, 3.5, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]);
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'boolean':
      return random() < 0.5;
    case 'object':
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 3) }, (_, i) => [`k${i}`, randomValue(random, depth + 1)]),
      );
    default:
      return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(random, depth + 1));
  }
}

/**
 * A well-formed chunk of the shapes the fast path takes (text, role, refusal, finish and usage chunks),
 * then 0 to 2 random mutations anywhere in it: a key removed, set to undefined or to a value of any type,
 * an unknown key added, or an object's keys reordered.
 */
function randomChunk(random: Random): Record<string, unknown> {
  const choices = Array.from({ length: Math.floor(random() * 3) }, (_, index) => {
    const delta: Record<string, unknown> = {};
    for (const key of ['role', 'content', 'refusal']) {
      if (random() < 0.5) delta[key] = key === 'role' ? 'assistant' : pick(random, ['hi', '', null, 'a"\n', 'é😀']);
    }
    const choice: Record<string, unknown> = { index, delta, finish_reason: pick(random, [null, 'stop', 'length']) };
    if (random() < 0.2) choice.logprobs = pick(random, [null, { content: [] }, undefined]);
    return choice;
  });
  const chunk: Record<string, unknown> = {
    id: pick(random, ['chatcmpl-1', 'chatcmpl-2', 'a"b']),
    object: 'chat.completion.chunk',
    created: pick(random, [1, 2, 1_700_000_000]),
    model: pick(random, ['gpt-4o', 'other']),
    choices,
  };
  if (random() < 0.3)
    chunk.usage = pick(random, [null, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, undefined]);
  if (random() < 0.3) chunk.obfuscation = pick(random, ['x1', 'a"b']);
  if (random() < 0.3) chunk.service_tier = pick(random, ['default', null]);
  if (random() < 0.3) chunk.system_fingerprint = 'fp_1';
  const mutations = Math.floor(random() * 3);
  for (let done = 0; done < mutations; done++) mutate(random, chunk);
  return chunk;
}

function mutate(random: Random, chunk: Record<string, unknown>): void {
  const targets: Record<string, unknown>[] = [chunk];
  for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
    if (typeof choice !== 'object' || choice === null) continue;
    targets.push(choice as Record<string, unknown>);
    const delta = (choice as Record<string, unknown>).delta;
    if (typeof delta === 'object' && delta !== null) targets.push(delta as Record<string, unknown>);
  }
  const target = pick(random, targets);
  const keys = Object.keys(target);
  const key = keys.length > 0 ? pick(random, keys) : 'empty';
  switch (pick(random, ['remove', 'undefined', 'value', 'unknown', 'reorder'])) {
    case 'remove':
      delete target[key];
      break;
    case 'undefined':
      target[key] = undefined;
      break;
    case 'value':
      target[key] = randomValue(random);
      break;
    case 'unknown':
      target[
        pick(random, ['extra', 'tool_calls', 'audio', 'usage', 'logprobs', 'service_tier', 'obfuscation', 'we"ird'])
      ] = randomValue(random, 1);
      break;
    default: {
      const entries = shuffled(random, Object.entries(target));
      for (const name of keys) delete target[name];
      for (const [name, value] of entries) target[name] = value;
    }
  }
}

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
