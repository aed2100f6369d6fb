import { assertClientValue, MAX_CLIENT_JSON_DEPTH, parseClientJson } from './client-json';
import { GatewayError } from './gateway-error';

function errorOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('parseClientJson', () => {
  it('parses ordinary JSON, however long its strings', () => {
    const audio = 'A'.repeat(5_000_000);
    expect(parseClientJson(JSON.stringify({ model: 'm', messages: [{ content: audio }] }))).toEqual({
      model: 'm',
      messages: [{ content: audio }],
    });
  });

  it('turns a syntax error into invalid_json', () => {
    const error = errorOf(() => parseClientJson('{"model":'));
    expect([error.status, error.code]).toEqual([400, 'invalid_json']);
  });

  it('accepts nesting up to the limit and refuses one level more, without overflowing the stack', () => {
    expect(() => parseClientJson(nested(MAX_CLIENT_JSON_DEPTH))).not.toThrow();
    const error = errorOf(() => parseClientJson(nested(MAX_CLIENT_JSON_DEPTH + 1)));
    expect([error.status, error.code]).toEqual([400, 'nesting_too_deep']);
    for (const depth of [5_000, 200_000]) {
      expect(errorOf(() => parseClientJson(nested(depth))).code).toBe('nesting_too_deep');
    }
  });

  it('names where a value nests too deep', () => {
    let schema: unknown = { type: 'string' };
    for (let i = 0; i < 70; i++) schema = { type: 'object', properties: { a: schema } };
    const body = { tools: [{ type: 'function', function: { name: 'f', parameters: schema } }] };
    const error = errorOf(() => parseClientJson(JSON.stringify(body)));
    expect(error.param).toMatch(/^tools\[0\]\.function\.parameters(\.properties\.a)+/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key at any depth, naming its path', (key) => {
    for (const [text, param] of [
      [`{"${key}":{"polluted":1}}`, key],
      [`{"metadata":{"${key}":"x"}}`, `metadata.${key}`],
      [
        `{"tools":[{"function":{"parameters":{"properties":{"${key}":{}}}}}]}`,
        `tools[0].function.parameters.properties.${key}`,
      ],
    ] as const) {
      const error = errorOf(() => parseClientJson(text));
      expect([error.status, error.code, error.param]).toEqual([400, 'reserved_name', param]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('allows the reserved names as values and inside strings', () => {
    expect(parseClientJson('{"content":"__proto__ constructor prototype","stop":["constructor"]}')).toEqual({
      content: '__proto__ constructor prototype',
      stop: ['constructor'],
    });
  });

  it('prefixes paths with the field the JSON came from', () => {
    expect(errorOf(() => parseClientJson('{"a":{"__proto__":1}}', { param: 'request' })).param).toBe(
      'request.a.__proto__',
    );
  });
});

describe('assertClientValue', () => {
  it('checks values built in code, e.g. objects with a reserved own key', () => {
    const value = Object.create(null) as Record<string, unknown>;
    value['__proto__'] = { x: 1 };
    expect(errorOf(() => assertClientValue({ fields: value })).param).toBe('fields.__proto__');
  });
});
