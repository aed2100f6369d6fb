import { errorStatusOf, errorTypeOf, isSafeAttributeText, safeAttributes } from './safe-attributes';
import { ATTR_GEN_AI_REQUEST_MODEL, ATTR_STREAM, ATTR_TENANT_ID, ATTR_TOOL_NAME } from './telemetry.names';

describe('safeAttributes', () => {
  it('keeps ids, names, numbers and booleans under known keys', () => {
    expect(
      safeAttributes({
        [ATTR_TENANT_ID]: 'ten_0123456789abcdef01234567',
        [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-audio-preview-2025-06-03',
        [ATTR_STREAM]: true,
        'gen_ai.usage.input_tokens': 42,
      }),
    ).toEqual({
      [ATTR_TENANT_ID]: 'ten_0123456789abcdef01234567',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-audio-preview-2025-06-03',
      [ATTR_STREAM]: true,
      'gen_ai.usage.input_tokens': 42,
    });
  });

  it('drops unknown keys, so a header or argument cannot be attached by mistake', () => {
    expect(
      safeAttributes({
        'http.request.header.authorization': 'x',
        'voxgate.tool.arguments': '{}',
        [ATTR_TOOL_NAME]: 'kb',
      }),
    ).toEqual({ [ATTR_TOOL_NAME]: 'kb' });
  });

  it.each([
    ['an OpenAI key', 'sk-upstream-SECRET-4f1c9a7e2b'],
    ['a Voxgate key', 'sk-vg-0123456789abcdef'],
    ['a project key inside a value', 'model:sk-proj-abcdef'],
    ['a bearer header value', 'Bearer abc'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig'],
    ['a long hex secret', 'adm-' + 'a1b2c3d4'.repeat(6)],
    ['message text', 'When do you open?'],
    ['a tool result', '{"results":[{"id":"hours"}]}'],
    ['an over-long value', 'a-'.repeat(100)],
    ['an empty string', ''],
  ])('drops %s put under an allowed key', (_what, value) => {
    expect(safeAttributes({ [ATTR_TENANT_ID]: value })).toEqual({});
    expect(isSafeAttributeText(value)).toBe(false);
  });

  it('drops non-finite numbers and absent values', () => {
    expect(
      safeAttributes({ 'gen_ai.usage.input_tokens': Number.NaN, [ATTR_TENANT_ID]: null, [ATTR_STREAM]: undefined }),
    ).toEqual({});
  });
});

describe('errorTypeOf / errorStatusOf', () => {
  it('names an error by its catalogue code, never its message', () => {
    const error = Object.assign(new Error('Incorrect API key provided: sk-upstream-SECRET'), {
      status: 502,
      type: 'api_error',
      code: 'upstream_error',
    });
    expect(errorTypeOf(error)).toBe('upstream_error');
    expect(errorStatusOf(error)).toBe(502);
  });

  it('falls back to the type, then the class name, then "error"', () => {
    expect(errorTypeOf({ code: null, type: 'invalid_request_error' })).toBe('invalid_request_error');
    expect(errorTypeOf(new TypeError('boom'))).toBe('TypeError');
    expect(errorTypeOf({ code: 'has spaces in it' })).toBe('error');
    expect(errorTypeOf('text')).toBe('error');
    expect(errorStatusOf(new Error('x'))).toBeUndefined();
  });
});
