import { audioRequest, textRequest, withKey } from './__fixtures__/chat-requests.factory';
import { ChatCompletionRequestSchema } from './chat-completions.request';
import { GatewayError } from './gateway-error';
import { parseInbound, toParamPath } from './zod-error';

/** Runs `parseInbound` and returns the thrown error's client-visible fields. */
function rejection(body: unknown) {
  try {
    parseInbound(ChatCompletionRequestSchema, body);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return { status: error.status, ...error.toOpenAIError() };
  }
  throw new Error('parseInbound accepted the body');
}

const withUserParts = (parts: unknown[]) =>
  withKey(audioRequest(), 'messages', [{ role: 'user', content: [{ type: 'text', text: 'Listen:' }, ...parts] }]);

describe('toParamPath', () => {
  it('writes indexes in brackets and keys with dots', () => {
    expect(toParamPath(['messages', 0, 'content', 1, 'input_audio', 'format'])).toBe(
      'messages[0].content[1].input_audio.format',
    );
    expect(toParamPath(['tools', 2, 'function', 'name'])).toBe('tools[2].function.name');
  });

  it('returns null for the root', () => {
    expect(toParamPath([])).toBeNull();
  });
});

describe('parseInbound', () => {
  it('returns the parsed body when it is valid', () => {
    expect(parseInbound(ChatCompletionRequestSchema, textRequest())).toEqual(textRequest());
  });

  it.each([[null], [[]], ['{"model":"x"}'], [42]])('rejects a non-object body %j with invalid_json', (body) => {
    expect(rejection(body)).toEqual({
      status: 400,
      message: 'The request body must be a JSON object.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_json',
    });
  });

  it('reports a missing required parameter', () => {
    const { model: _model, ...body } = textRequest();
    expect(rejection(body)).toEqual({
      status: 400,
      message: "Missing required parameter: 'model'.",
      type: 'invalid_request_error',
      param: 'model',
      code: 'missing_required_parameter',
    });
  });

  it('reports a missing field deep inside a content part', () => {
    expect(rejection(withUserParts([{ type: 'input_audio', input_audio: { format: 'wav' } }]))).toMatchObject({
      param: 'messages[0].content[1].input_audio.data',
      code: 'missing_required_parameter',
    });
  });

  it('reports an unknown top-level key as unknown_parameter', () => {
    expect(rejection(withKey(textRequest(), 'voice', 'alloy'))).toEqual({
      status: 400,
      message: 'Unrecognized request argument supplied: voice',
      type: 'invalid_request_error',
      param: 'voice',
      code: 'unknown_parameter',
    });
  });

  it('reports an unknown nested key with its full path', () => {
    expect(rejection(withKey(audioRequest(), 'audio', { voice: 'alloy', format: 'wav', pitch: 1 }))).toMatchObject({
      message: 'Unrecognized request argument supplied: audio.pitch',
      param: 'audio.pitch',
      code: 'unknown_parameter',
    });
    expect(
      rejection(withUserParts([{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav', rate: 24000 } }])),
    ).toMatchObject({ param: 'messages[0].content[1].input_audio.rate', code: 'unknown_parameter' });
  });

  it('reports a bad content part with the deep path, not just messages[0].content', () => {
    const error = rejection(withUserParts([{ type: 'input_audio', input_audio: { data: 'AA', format: 'aiff' } }]));
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'messages[0].content[1].input_audio.format',
      code: 'invalid_value',
    });
    expect(error.message).toContain("'messages[0].content[1].input_audio.format'");
    expect(error.message).toContain("Supported values are: 'wav', 'mp3', 'flac',");
  });

  it('quotes the rejected value of an enum, never "undefined"', () => {
    const error = rejection(withUserParts([{ type: 'input_audio', input_audio: { data: 'AA', format: 'aiff' } }]));
    expect(error.message).toContain('aiff');
    expect(error.message).not.toContain('undefined');
  });

  it('reports a value of the wrong type as invalid_type, not as missing', () => {
    const error = rejection(withKey(textRequest(), 'temperature', '0.7'));
    expect(error).toMatchObject({ status: 400, param: 'temperature', code: 'invalid_type' });
    expect(error.message).toBe("Invalid type for 'temperature': expected number, but got a string instead.");
  });

  it('reports a wrong type inside a content part with its deep path', () => {
    const error = rejection(withUserParts([{ type: 'text', text: 42 }]));
    expect(error).toMatchObject({ param: 'messages[0].content[1].text', code: 'invalid_type' });
  });

  it('names messages[0].role for an unknown role', () => {
    const error = rejection(withKey(textRequest(), 'messages', [{ role: 'narrator', content: 'Once upon a time' }]));
    expect(error).toMatchObject({ status: 400, param: 'messages[0].role', code: 'invalid_value' });
    expect(error.message).toContain("'messages[0].role'");
    expect(error.message).toContain("'user'");
  });

  it('names the type of an unknown content part kind', () => {
    const error = rejection(withUserParts([{ type: 'video_url', video_url: { url: 'https://example.com/v.mp4' } }]));
    expect(error).toMatchObject({ param: 'messages[0].content[1].type', code: 'invalid_value' });
    expect(error.message).toContain("'input_audio'");
  });

  it('reports a number out of range as invalid_value on that parameter', () => {
    const error = rejection(withKey(textRequest(), 'temperature', 2.5));
    expect(error).toMatchObject({ status: 400, param: 'temperature', code: 'invalid_value' });
    expect(error.message).toContain("'temperature'");
  });

  it('reports too many metadata pairs on metadata', () => {
    const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    const error = rejection(withKey(textRequest(), 'metadata', metadata));
    expect(error).toMatchObject({ param: 'metadata', code: 'invalid_value' });
    expect(error.message).toContain('16');
  });

  it('reports a bad tool name on tools[i].function.name', () => {
    const tools = [
      { type: 'function', function: { name: 'ok' } },
      { type: 'function', function: { name: 'get weather' } },
    ];
    expect(rejection(withKey(textRequest(), 'tools', tools))).toMatchObject({
      param: 'tools[1].function.name',
      code: 'invalid_value',
    });
  });
});
