import { SNAPSHOT } from '../relay-config';
import {
  type AttackCase,
  type AttackContext,
  BOUNDARY,
  form,
  formBody,
  json,
  nestedArrayText,
  nestedSchemaText,
  RESERVED,
} from './attack-case';

const PATH = '/v1/chat/completions';
const VALID = { model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] };
const AUDIO_OUT = { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } };

/** Per field, values OpenAI's schema (or Voxgate's audio rules) refuse. */
const INVALID_FIELDS: Record<string, readonly unknown[]> = {
  model: [null, 1, '', [], {}, true],
  messages: [
    null,
    [],
    'hi',
    {},
    [{}],
    [null],
    [{ role: 'alien', content: 'x' }],
    [{ role: 'user' }],
    [{ role: 'user', content: 5 }],
    [{ role: 'user', content: [{ type: 'video', video: 'x' }] }],
    [{ role: 'user', content: [{ type: 'input_audio' }] }],
    [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'midi' } }] }],
    [{ role: 'tool', content: 'x' }],
    [{ role: 'user', content: 'x', name: 5 }],
  ],
  temperature: [-1, 2.5, 'hot', [], {}],
  top_p: [-0.1, 1.5, 'x'],
  n: [0, -1, 1.5, 'two', 129],
  max_tokens: [-1, 'x', 1.5, {}],
  max_completion_tokens: [-5, 'x', []],
  stream: ['yes', 1, {}],
  stream_options: ['x', { include_usage: 'yes' }, { unknown: 1 }, []],
  modalities: ['audio', ['video'], [1], {}],
  tools: [
    'x',
    [{}],
    [{ type: 'function' }],
    [{ type: 'function', function: {} }],
    [{ type: 'function', function: { name: 'f', parameters: 'x' } }],
    [{ type: 'rocket', function: { name: 'f' } }],
    {},
  ],
  tool_choice: ['sometimes', { type: 'function' }, 5, []],
  response_format: ['json', { type: 'xml' }, { type: 'json_schema' }, { type: 'json_schema', json_schema: {} }, []],
  metadata: [
    'x',
    { a: 1 },
    { a: { b: 'c' } },
    Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
    { ['k'.repeat(65)]: 'v' },
    { k: 'v'.repeat(513) },
  ],
  stop: [5, [1], ['a', 'b', 'c', 'd', 'e'], {}],
  seed: ['x', 1.5, {}],
  logit_bias: ['x', { a: 'b' }, []],
  frequency_penalty: [-3, 3, 'x'],
  presence_penalty: [-3, 3, 'x'],
  logprobs: ['yes', 1],
  top_logprobs: [-1, 21, 'x'],
  user: [5, {}, []],
  parallel_tool_calls: ['yes', 1],
  service_tier: [5, 'luxury'],
  store: ['yes'],
  prediction: ['x', { type: 'nonsense' }],
};

/** Audio-output fields, sent with the audio modality so only the field itself is wrong. */
const INVALID_AUDIO_FIELDS: Record<string, readonly unknown[]> = {
  audio: [
    'x',
    {},
    { voice: 1, format: 'wav' },
    { voice: 'alloy', format: 'midi' },
    { voice: 'alloy' },
    { format: 'wav' },
    { voice: 'alloy', format: 'wav', speed: 9 },
    { voice: 'alloy', format: 'wav', extra: 1 },
  ],
  speed: [0.1, 5, 'fast', -1, 0, {}, null],
};

const SYNTAX: readonly [string, string][] = [
  ['empty body', ''],
  ['only whitespace', '   \n '],
  ['truncated object', '{"model":'],
  ['missing value', '{"model":}'],
  ['trailing comma', '{"model":"m",}'],
  ['single quotes', "{'model':'m'}"],
  ['two objects', '{"a":1}{"b":2}'],
  ['NaN', '{"temperature":NaN}'],
  ['comment', '{"model":"m" /* hi */}'],
  ['unterminated string', '{"model":"m'],
  ['control character in string', '{"model":"m\u0001"}'],
  ['lone surrogate escape', '{"model":"\\ud800"}'],
  ['bad escape', '{"model":"\\q"}'],
  ['null', 'null'],
  ['array', '[]'],
  ['string', '"hello"'],
  ['number', '123'],
  ['boolean', 'true'],
  ['huge number', `{"model":"m","max_tokens":1e400,"messages":[{"role":"user","content":"x"}]}`],
  ['deep array at the top', nestedArrayText(100_000)],
];

function withReserved(
  key: string,
  at: 'top' | 'message' | 'metadata' | 'audio' | 'schema' | 'stream_options',
): unknown {
  const inject = (target: string) => `{"${key}":{"polluted":"yes"},${target.slice(1)}`;
  switch (at) {
    case 'top':
      return inject(JSON.stringify(VALID));
    case 'message':
      return `{"model":"${SNAPSHOT}","messages":[${inject(JSON.stringify(VALID.messages[0]))}]}`;
    case 'metadata':
      return `{"model":"${SNAPSHOT}","messages":[{"role":"user","content":"x"}],"metadata":{"${key}":"x"}}`;
    case 'audio':
      return `{"model":"${SNAPSHOT}","modalities":["text","audio"],"messages":[{"role":"user","content":"x"}],"audio":${inject('{"voice":"alloy","format":"wav"}')}}`;
    case 'schema':
      return `{"model":"${SNAPSHOT}","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"${key}":{"type":"string"}}}}}]}`;
    case 'stream_options':
      return `{"model":"${SNAPSHOT}","stream":true,"messages":[{"role":"user","content":"x"}],"stream_options":${inject('{"include_usage":true}')}}`;
  }
}

/** Malformed JSON bodies, fields, content types, sizes and nesting on `POST /v1/chat/completions`. */
export function chatJsonCases(context: AttackContext): AttackCase[] {
  const cases: AttackCase[] = [];
  for (const [field, values] of Object.entries(INVALID_FIELDS)) {
    values.forEach((value, index) =>
      cases.push(json(`chat ${field} #${index}`, 'POST', PATH, 'tenant', { ...VALID, [field]: value }, 400)),
    );
  }
  for (const [field, values] of Object.entries(INVALID_AUDIO_FIELDS)) {
    values.forEach((value, index) =>
      cases.push(
        json(`chat audio ${field} #${index}`, 'POST', PATH, 'tenant', { ...VALID, ...AUDIO_OUT, [field]: value }, 400),
      ),
    );
  }
  cases.push(
    json('chat audio modality without audio', 'POST', PATH, 'tenant', { ...VALID, modalities: ['text', 'audio'] }, 400),
    json('chat speed without audio output', 'POST', PATH, 'tenant', { ...VALID, speed: 1.5 }, 400),
    json('chat unknown model', 'POST', PATH, 'tenant', { ...VALID, model: 'gpt-9-audio' }, 404, 'model_not_found'),
    json(
      'chat model name of 10k characters',
      'POST',
      PATH,
      'tenant',
      { ...VALID, model: 'm'.repeat(10_000) },
      [400, 404],
    ),
  );
  for (const unknown of ['foo', 'Model', 'MESSAGES', 'voxgate', 'api_key', '']) {
    cases.push(json(`chat unknown field '${unknown}'`, 'POST', PATH, 'tenant', { ...VALID, [unknown]: 1 }, 400));
  }
  for (const key of RESERVED) {
    for (const at of ['top', 'message', 'metadata', 'audio', 'schema', 'stream_options'] as const) {
      cases.push(json(`chat reserved '${key}' in ${at}`, 'POST', PATH, 'tenant', withReserved(key, at), 400));
    }
  }
  for (const [name, text] of SYNTAX) cases.push(json(`chat syntax: ${name}`, 'POST', PATH, 'tenant', text, 400));
  const head = `"model":"${SNAPSHOT}","messages":[{"role":"user","content":"x"}]`;
  for (const depth of [65, 500, 5_000]) {
    const schema = nestedSchemaText(depth);
    for (const [where, body] of [
      ['tool parameters', `{${head},"tools":[{"type":"function","function":{"name":"f","parameters":${schema}}}]}`],
      [
        'response_format schema',
        `{${head},"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${schema}}}}`,
      ],
      ['legacy functions', `{${head},"functions":[{"name":"f","parameters":${schema}}]}`],
      ['message content', `{"model":"${SNAPSHOT}","messages":[{"role":"user","content":${nestedArrayText(depth)}}]}`],
      ['metadata', `{${head},"metadata":${nestedArrayText(depth)}}`],
    ] as const) {
      cases.push(json(`chat ${where} ${depth} deep`, 'POST', PATH, 'tenant', body, 400, 'nesting_too_deep'));
    }
  }
  const text = JSON.stringify(VALID);
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/xml',
    'multipart/mixed; boundary=x',
    'application/jsonx',
    'image/png',
    'application/octet-stream',
  ]) {
    cases.push({
      name: `chat content-type ${type}`,
      method: 'POST',
      path: PATH,
      as: 'tenant',
      headers: { 'content-type': type },
      body: text,
      status: 415,
    });
  }
  cases.push(
    { name: 'chat body without content-type', method: 'POST', path: PATH, as: 'tenant', body: text, status: 415 },
    {
      name: 'chat curl -d form body',
      method: 'POST',
      path: PATH,
      as: 'tenant',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'model=gpt&messages=hi',
      status: 415,
    },
    {
      name: 'chat body over the limit',
      method: 'POST',
      path: PATH,
      as: 'tenant',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...VALID, messages: [{ role: 'user', content: 'x'.repeat(context.bodyLimit) }] }),
      status: 413,
    },
    {
      name: 'chat no body',
      method: 'POST',
      path: PATH,
      as: 'tenant',
      headers: { 'content-type': 'application/json' },
      status: 400,
    },
    {
      name: 'chat invalid UTF-8',
      method: 'POST',
      path: PATH,
      as: 'tenant',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      status: 400,
    },
  );
  for (const id of ['s'.repeat(129), 'bad id', 'semi;colon', 'slash/inside', 'quote"d', '']) {
    const headers = { 'content-type': 'application/json', 'x-session-id': id };
    cases.push({ ...json(`chat X-Session-Id '${id.slice(0, 12)}'`, 'POST', PATH, 'tenant', VALID, 400), headers });
  }
  return cases;
}

/** `multipart/form-data` on `POST /v1/chat/completions`: broken bodies, wrong fields, bad names. */
export function chatMultipartCases(context: AttackContext): AttackCase[] {
  const request = JSON.stringify({
    model: SNAPSHOT,
    messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '@voice', format: 'pcm16' } }] }],
  });
  const audio = Buffer.alloc(4800);
  const valid = formBody([
    { name: 'request', data: request },
    { name: 'voice', data: audio, filename: 'voice.pcm', contentType: 'application/octet-stream' },
  ]);
  const cases: AttackCase[] = [
    form('multipart without boundary', PATH, valid, 400, { contentType: 'multipart/form-data' }),
    form('multipart with a boundary that is not in the body', PATH, valid, 400, {
      contentType: 'multipart/form-data; boundary=other',
    }),
    form('multipart with an empty body', PATH, Buffer.alloc(0), 400),
    form('multipart that is only the closing boundary', PATH, Buffer.from(`--${BOUNDARY}--\r\n`), 400),
    form(
      'multipart request field twice',
      PATH,
      formBody([
        { name: 'request', data: request },
        { name: 'request', data: request },
        { name: 'voice', data: audio, filename: 'v' },
      ]),
      400,
    ),
    form(
      'multipart request field over the body limit',
      PATH,
      formBody([{ name: 'request', data: 'x'.repeat(context.bodyLimit + 10) }]),
      413,
    ),
    form('multipart request field not JSON', PATH, formBody([{ name: 'request', data: '{not json' }]), 400, {
      code: 'invalid_json',
    }),
    form(
      'multipart request field JSON-typed but broken',
      PATH,
      formBody([{ name: 'request', data: '{broken', contentType: 'application/json' }]),
      400,
    ),
    form('multipart without request', PATH, formBody([{ name: 'voice', data: audio, filename: 'v' }]), 400),
    form(
      'multipart unknown field',
      PATH,
      formBody([
        { name: 'request', data: request },
        { name: 'model', data: 'x' },
      ]),
      400,
    ),
    form('multipart reference to a missing part', PATH, formBody([{ name: 'request', data: request }]), 400),
    form(
      'multipart unreferenced part',
      PATH,
      formBody([
        { name: 'request', data: request },
        { name: 'voice', data: audio, filename: 'v' },
        { name: 'extra', data: audio, filename: 'e' },
      ]),
      400,
    ),
    form(
      'multipart duplicate file part',
      PATH,
      formBody([
        { name: 'request', data: request },
        { name: 'voice', data: audio, filename: 'v' },
        { name: 'voice', data: audio, filename: 'v' },
      ]),
      400,
    ),
    form(
      'multipart files over the body limit together',
      PATH,
      formBody([
        { name: 'request', data: request },
        ...Array.from({ length: 3 }, (_, i) => ({
          name: i === 0 ? 'voice' : `x${i}`,
          data: Buffer.alloc(Math.ceil(context.bodyLimit / 2)),
          filename: 'v',
        })),
      ]),
      413,
    ),
    form(
      'multipart too many file parts',
      PATH,
      formBody([
        { name: 'request', data: request },
        ...Array.from({ length: 40 }, (_, i) => ({ name: `p${i}`, data: 'a', filename: 'f' })),
      ]),
      400,
    ),
    form(
      'multipart request is deeply nested',
      PATH,
      formBody([{ name: 'request', data: nestedArrayText(5_000) }]),
      400,
      { code: 'nesting_too_deep' },
    ),
    form(
      'multipart request has a reserved key',
      PATH,
      formBody([
        { name: 'request', data: `{"__proto__":{"polluted":"yes"},${request.slice(1)}` },
        { name: 'voice', data: audio, filename: 'v' },
      ]),
      400,
      { code: 'reserved_name' },
    ),
    form(
      'multipart header without a name',
      PATH,
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${BOUNDARY}--\r\n`),
      400,
    ),
    form(
      'multipart garbage part headers',
      PATH,
      Buffer.from(`--${BOUNDARY}\r\n\u0000\u0001garbage\r\n\r\nx\r\n--${BOUNDARY}--\r\n`),
      400,
    ),
  ];
  for (const cut of [10, 60, 200, valid.length - 30, valid.length - 3]) {
    cases.push(form(`multipart truncated at ${cut} bytes`, PATH, valid.subarray(0, cut), 400));
  }
  for (const key of RESERVED) {
    for (const name of [key, `${key}[polluted]`, `request[${key}]`, `a[${key}]`]) {
      cases.push(
        form(
          `multipart field named '${name}'`,
          PATH,
          formBody([
            { name, data: 'yes' },
            { name: 'request', data: request },
          ]),
          400,
        ),
      );
      cases.push(
        form(
          `multipart file part named '${name}'`,
          PATH,
          formBody([
            { name: 'request', data: request },
            { name, data: audio, filename: 'v' },
          ]),
          400,
        ),
      );
    }
  }
  return cases;
}
