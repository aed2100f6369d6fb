import { seededRandom } from '@voxgate/testing';
import { ChatCompletionRequestSchema } from './chat-completions.request';
import { fastChatRequest, parseChatCompletionRequest } from './chat-request.fast';
import { GatewayError } from './gateway-error';
import { parseInbound } from './zod-error';

/**
 * The fast path against the schema it stands in for, on generated bodies: near-valid values, boundaries,
 * wrong types, keys out of order, extra and `undefined` keys, messages of every role and shape.
 */
/** Per key: values the schema accepts, then values it refuses (or the fast path leaves to it). */
const SAMPLES: Readonly<Record<string, readonly [readonly unknown[], readonly unknown[]]>> = {
  model: [
    ['gpt-4o-audio-preview', 'm'],
    ['', 3, null, ['m']],
  ],
  modalities: [
    [['text'], ['text', 'audio'], ['audio'], [], null],
    [['video'], ['text', 7], 'text'],
  ],
  speed: [
    [0.25, 4, 1, 2.5],
    [0.24, 4.01, null, '1', Infinity],
  ],
  audio: [
    [
      { voice: 'alloy', format: 'wav' },
      { format: 'pcm16', voice: 'verse', speed: 1.5 },
      { voice: 'alloy', format: 'g711_ulaw', speed: 4 },
      { voice: { id: 'voice_1' }, format: 'mp3' },
      null,
    ],
    [
      { voice: '', format: 'wav' },
      { voice: 'alloy', format: 'ogg' },
      { voice: 'alloy' },
      { voice: 'alloy', format: 'wav', speed: 5 },
      { voice: 'alloy', format: 'wav', speed: undefined },
      { voice: 'alloy', format: 'wav', extra: 1 },
      'alloy',
      [],
    ],
  ],
  temperature: [
    [0, 2, 1.3, null],
    [-0.1, 2.01, '1', true, -Infinity],
  ],
  top_p: [
    [0, 1, 0.5, null],
    [1.1, -1, false],
  ],
  max_tokens: [
    [1, 64, 2 ** 53 - 1, null],
    [0, -1, 1.5, '5', 2 ** 53],
  ],
  max_completion_tokens: [
    [1, 4096, null],
    [0, 2.5, 'many', -3],
  ],
  stream: [
    [true, false, null],
    ['true', 1],
  ],
  stream_options: [
    [{ include_usage: true }, { include_obfuscation: false, include_usage: false }, {}, null],
    [{ include_usage: 'yes' }, { include_usage: true, other: true }, { include_usage: undefined }, [], 'x'],
  ],
  user: [
    ['user-1', ''],
    [5, null],
  ],
  // Keys the fast path leaves to the schema, valid or not.
  n: [[1, 2], [0]],
  seed: [[42], ['x']],
  tools: [[[]], [{}]],
  metadata: [[{ a: 'b' }], [3]],
  unknown_parameter: [[], [1]],
};
const FAST = [
  'model',
  'modalities',
  'speed',
  'audio',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stream',
  'stream_options',
  'user',
];
const OTHER = ['n', 'seed', 'tools', 'metadata', 'unknown_parameter'];

function generator(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const chance = (p: number) => random() < p;
  /** Mostly a value the schema accepts, sometimes one it refuses. */
  const sample = (key: string): unknown => {
    const [valid, invalid] = SAMPLES[key]!;
    return valid.length > 0 && (invalid.length === 0 || chance(0.9)) ? pick(valid) : pick(invalid);
  };

  function message(): unknown {
    if (chance(0.01)) return pick([null, 'hi', [], 3]);
    const role = chance(0.9)
      ? pick(['user', 'user', 'system', 'developer', 'assistant'])
      : pick(['tool', 'function', 'bogus', undefined]);
    const content = chance(0.9)
      ? pick(['hi', 'hello there', ''])
      : pick([null, [{ type: 'text', text: 'x' }], 5, undefined]);
    const entries: [string, unknown][] = [];
    if (!chance(0.01)) entries.push(['role', role]);
    if (!chance(0.02)) entries.push(['content', content]);
    if (chance(0.2)) entries.push(['name', chance(0.8) ? pick(['caller', '']) : pick([3, undefined])]);
    if (chance(0.02)) entries.push(['tool_call_id', 'call_1']);
    if (chance(0.01)) entries.push(['extra', true]);
    return Object.fromEntries(chance(0.3) ? entries.reverse() : entries);
  }

  return function body(): Record<string, unknown> {
    const entries: [string, unknown][] = [];
    if (!chance(0.02)) entries.push(['model', sample('model')]);
    if (!chance(0.02)) {
      const count = chance(0.02) ? 0 : 1 + Math.floor(random() * 3);
      entries.push(['messages', chance(0.01) ? 'hi' : Array.from({ length: count }, message)]);
    }
    for (const key of FAST.slice(1)) if (chance(0.25)) entries.push([key, sample(key)]);
    if (chance(0.08)) {
      const key = pick(OTHER);
      entries.push([key, sample(key)]);
    }
    if (chance(0.02)) entries.push([pick(FAST.slice(1)), undefined]);
    // Keys in any order: the schema's output has its own.
    for (let index = entries.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [entries[index], entries[other]] = [entries[other]!, entries[index]!];
    }
    return Object.fromEntries(entries);
  };
}

/** The body's own objects and arrays, reachable from it. */
function containers(value: unknown, into = new Set<unknown>()): Set<unknown> {
  if (value !== null && typeof value === 'object') {
    into.add(value);
    for (const child of Object.values(value)) containers(child, into);
  }
  return into;
}

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('fastChatRequest', () => {
  it('answers exactly as the schema for every generated body it takes, and takes none the schema refuses', () => {
    const next = generator(20261207);
    const counts = { fast: 0, schemaOnlyValid: 0, invalid: 0 };
    for (let round = 0; round < 10_000; round++) {
      const body = next();
      const expected = ChatCompletionRequestSchema.safeParse(body);
      const fast = fastChatRequest(body);
      if (fast === null) {
        if (expected.success) counts.schemaOnlyValid++;
        else counts.invalid++;
        continue;
      }
      counts.fast++;
      if (!expected.success) throw new Error(`fast path took a body the schema refuses: ${JSON.stringify(body)}`);
      // Same keys, same order, same values (no body here has an `undefined` that JSON would hide).
      expect(JSON.stringify(fast)).toBe(JSON.stringify(expected.data));
      expect(Object.keys(fast)).toEqual(Object.keys(expected.data));
      const own = containers(body);
      for (const made of containers(fast)) expect(own.has(made)).toBe(false);
    }
    // The generator reaches all three outcomes often enough for the comparison to mean something.
    expect(counts.fast).toBeGreaterThan(1_500);
    expect(counts.schemaOnlyValid).toBeGreaterThan(500);
    expect(counts.invalid).toBeGreaterThan(1_500);
  });

  it('takes the bodies the SDKs send for voice: text and audio out, streamed, with usage', () => {
    const body = {
      stream_options: { include_usage: true },
      stream: true,
      audio: { format: 'pcm16', voice: 'alloy' },
      modalities: ['text', 'audio'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { content: 'Hello', role: 'user' },
      ],
      model: 'gpt-4o-audio-preview',
    };
    expect(JSON.stringify(fastChatRequest(body))).toBe(
      JSON.stringify({
        model: 'gpt-4o-audio-preview',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
        modalities: ['text', 'audio'],
        audio: { voice: 'alloy', format: 'pcm16' },
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
  });

  it('leaves other shapes to the schema: audio input parts, tool messages, custom voices, other keys', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(fastChatRequest(base)).not.toBeNull();
    const parts = [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }];
    expect(fastChatRequest({ ...base, messages: [{ role: 'user', content: parts }] })).toBeNull();
    expect(fastChatRequest({ ...base, messages: [{ role: 'tool', content: 'x', tool_call_id: 'c' }] })).toBeNull();
    expect(fastChatRequest({ ...base, audio: { voice: { id: 'v' }, format: 'wav' } })).toBeNull();
    expect(fastChatRequest({ ...base, tools: [] })).toBeNull();
    expect(fastChatRequest({ ...base, user: undefined })).toBeNull();
    expect(fastChatRequest({ messages: base.messages })).toBeNull();
  });
});

describe('parseChatCompletionRequest', () => {
  it('returns or throws what parseInbound with the schema returns or throws, for every generated body', () => {
    const next = generator(7);
    for (let round = 0; round < 5_000; round++) {
      const body = next();
      const expected = ChatCompletionRequestSchema.safeParse(body);
      if (expected.success) {
        expect(JSON.stringify(parseChatCompletionRequest(body))).toBe(JSON.stringify(expected.data));
      } else {
        const error = thrown(() => parseChatCompletionRequest(body));
        expect(error).toBeInstanceOf(GatewayError);
        const reference = thrown(() => parseInbound(ChatCompletionRequestSchema, body)) as GatewayError;
        expect((error as GatewayError).toJSON()).toEqual(reference.toJSON());
      }
    }
  });

  it('refuses a body that is not an object as parseInbound does', () => {
    for (const body of [null, [], 'text', 3]) {
      const error = thrown(() => parseChatCompletionRequest(body)) as GatewayError;
      expect(error.toJSON()).toEqual(
        (thrown(() => parseInbound(ChatCompletionRequestSchema, body)) as GatewayError).toJSON(),
      );
    }
  });
});
