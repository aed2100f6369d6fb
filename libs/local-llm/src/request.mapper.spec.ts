import type { ChatCompletionRequest } from '@voxgate/openai-wire';
import { toChatHistory, toGenerateJob, toToolMode } from './request.mapper';

const PARAMS = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
/** PARAMS as node-llama-cpp's grammar takes it: every property is generated, so `required` is implied. */
const GRAMMAR = { type: 'object', properties: { city: { type: 'string' } } };
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const base: ChatCompletionRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };
const tools: ChatCompletionRequest['tools'] = [
  { type: 'function', function: { name: 'a', parameters: PARAMS } },
  { type: 'function', function: { name: 'b', description: 'B' } },
];

describe('toChatHistory', () => {
  it('maps roles onto node-llama-cpp items and adds the turn to generate', () => {
    expect(
      toChatHistory([
        { role: 'developer', content: 'be brief' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'one' },
            { type: 'text', text: ' two' },
          ],
        },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi there' },
        { role: 'user', content: 'again' },
      ]),
    ).toEqual([
      { type: 'system', text: 'be brief' },
      { type: 'system', text: 'one two' },
      { type: 'user', text: 'hello' },
      { type: 'model', response: ['hi there'] },
      { type: 'user', text: 'again' },
      { type: 'model', response: [] },
    ]);
  });

  it('puts tool results into the calls they answer and continues that turn', () => {
    const history = toChatHistory([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: 'checking',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"city":"paris"}' } },
          { id: 'c2', type: 'function', function: { name: 'b', arguments: 'not json' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c2', content: 'plain text' },
      { role: 'tool', tool_call_id: 'c1', content: '{"t":21}' },
    ]);
    expect(history).toEqual([
      { type: 'user', text: 'weather?' },
      {
        type: 'model',
        response: [
          'checking',
          { type: 'functionCall', name: 'a', params: { city: 'paris' }, result: { t: 21 } },
          { type: 'functionCall', name: 'b', params: 'not json', result: 'plain text' },
        ],
      },
    ]);
  });

  it('refuses a tool message that answers no call, and non-text parts', () => {
    expect(thrown(() => toChatHistory([{ role: 'tool', tool_call_id: 'nope', content: 'x' }]))).toMatchObject({
      status: 400,
      param: 'messages[0].tool_call_id',
    });
    expect(
      thrown(() =>
        toChatHistory([
          { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] },
        ]),
      ),
    ).toMatchObject({ status: 400, code: 'unsupported_content', param: 'messages[0].content[0]' });
  });
});

describe('toToolMode', () => {
  it('auto (default) hands every function to node-llama-cpp', () => {
    const mode = toToolMode({ ...base, tools });
    expect(mode).toEqual({
      kind: 'auto',
      functions: { a: { params: GRAMMAR }, b: { description: 'B', params: { type: 'object', properties: {} } } },
    });
  });

  it('none, or no tools, generates text only', () => {
    expect(toToolMode({ ...base, tools, tool_choice: 'none' })).toEqual({ kind: 'none' });
    expect(toToolMode(base)).toEqual({ kind: 'none' });
  });

  it('a named function forces its parameters schema', () => {
    const mode = toToolMode({ ...base, tools, tool_choice: { type: 'function', function: { name: 'a' } } });
    expect(mode).toMatchObject({ kind: 'forced', functionName: 'a', schema: GRAMMAR });
  });

  it('required forces a choice among all: oneOf { name, arguments }', () => {
    const mode = toToolMode({ ...base, tools, tool_choice: 'required' });
    expect(mode).toMatchObject({
      kind: 'forced',
      schema: {
        oneOf: [
          { type: 'object', properties: { name: { const: 'a' }, arguments: GRAMMAR } },
          { type: 'object', properties: { name: { const: 'b' }, arguments: { type: 'object', properties: {} } } },
        ],
      },
    });
    expect(mode).not.toHaveProperty('functionName');
  });

  it('allowed_tools restricts the set, in auto or required mode', () => {
    const allowed = (mode: 'auto' | 'required') =>
      toToolMode({
        ...base,
        tools,
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode, tools: [{ type: 'function', function: { name: 'b' } }] },
        },
      });
    expect(allowed('auto')).toEqual({ kind: 'auto', functions: { b: expect.any(Object) } });
    expect(allowed('required')).toMatchObject({ kind: 'forced', functionName: 'b' });
  });

  it('legacy functions and function_call work the same way', () => {
    const mode = toToolMode({ ...base, functions: [{ name: 'f', parameters: PARAMS }], function_call: { name: 'f' } });
    expect(mode).toMatchObject({ kind: 'forced', functionName: 'f', schema: GRAMMAR });
  });
});

describe('toGenerateJob', () => {
  it('carries the sampling settings, OpenAI defaults where absent', () => {
    expect(toGenerateJob({ ...base, max_tokens: 9, stop: 'END', top_p: 0.5, seed: 3 })).toMatchObject({
      maxTokens: 9,
      temperature: 1,
      topP: 0.5,
      seed: 3,
      stop: ['END'],
    });
    expect(toGenerateJob({ ...base, max_tokens: 9, max_completion_tokens: 4, temperature: 0 })).toMatchObject({
      maxTokens: 4,
      temperature: 0,
      stop: [],
    });
  });

  it('refuses n > 1', () => {
    expect(thrown(() => toGenerateJob({ ...base, n: 2 }))).toMatchObject({ status: 400, param: 'n' });
  });
});
