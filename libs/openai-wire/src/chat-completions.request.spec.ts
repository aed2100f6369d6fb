import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions/completions';
import {
  audioRequest,
  streamingAudioRequest,
  textRequest,
  WAV_BASE64,
  withKey,
} from './__fixtures__/chat-requests.factory';
import { ChatCompletionRequestSchema } from './chat-completions.request';

const accepts = (body: ChatCompletionCreateParams) => ChatCompletionRequestSchema.safeParse(body);

function metadataPairs(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`key_${i}`, `value ${i}`]));
}

describe('ChatCompletionRequestSchema: realistic SDK requests are accepted', () => {
  it('accepts a plain text request and keeps its values', () => {
    const result = accepts(textRequest({ temperature: 0.8, max_completion_tokens: 256 }));
    expect(result.success).toBe(true);
    expect(result.data).toEqual(textRequest({ temperature: 0.8, max_completion_tokens: 256 }));
  });

  it('accepts input_audio parts with modalities and audio output options', () => {
    const result = accepts(audioRequest());
    expect(result.success).toBe(true);
    const user = result.data?.messages[1];
    expect(user?.role === 'user' && Array.isArray(user.content) ? user.content[1] : undefined).toEqual({
      type: 'input_audio',
      input_audio: { data: WAV_BASE64, format: 'wav' },
    });
    expect(result.data?.audio).toEqual({ voice: 'alloy', format: 'wav' });
  });

  it('accepts multi-turn reuse of an earlier audio answer and a custom voice object', () => {
    const body = audioRequest({
      audio: { voice: { id: 'voice_1234' }, format: 'mp3' },
      messages: [
        { role: 'user', content: 'Is a golden retriever a good family dog?' },
        { role: 'assistant', audio: { id: 'audio_abc123' } },
        { role: 'user', content: 'Why do you say they are loyal?' },
      ],
    });
    expect(accepts(body).success).toBe(true);
  });

  it('accepts a streaming audio request with stream_options', () => {
    const result = accepts(
      streamingAudioRequest({ stream_options: { include_usage: true, include_obfuscation: false } }),
    );
    expect(result.success).toBe(true);
    expect(result.data?.stream_options).toEqual({ include_usage: true, include_obfuscation: false });
  });

  it('accepts tools, tool_choice, parallel_tool_calls and a tool-call round trip', () => {
    const body = textRequest({
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather-v2',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: null,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather-v2' } },
      parallel_tool_calls: false,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_abc', type: 'function', function: { name: 'get_weather-v2', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_abc', content: '{"temp_c":21}' },
      ],
    });
    expect(accepts(body).success).toBe(true);
    expect(accepts(textRequest({ tool_choice: 'required' })).success).toBe(true);
  });

  it('accepts an answer sent back unchanged as history, dropping its output-only annotations', () => {
    const answer = {
      role: 'assistant' as const,
      content: null,
      refusal: null,
      annotations: [],
      tool_calls: [{ id: 'call_abc', type: 'function' as const, function: { name: 'f', arguments: '{}' } }],
    };
    const parsed = accepts(
      textRequest({
        messages: [{ role: 'user', content: 'Hi' }, answer, { role: 'tool', tool_call_id: 'call_abc', content: '{}' }],
      }),
    );
    expect(parsed.success).toBe(true);
    expect(JSON.parse(JSON.stringify(parsed.data?.messages[1]))).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: answer.tool_calls,
    });
  });

  it('accepts the deprecated functions / function_call parameters and the function role', () => {
    const body = textRequest({
      functions: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
      function_call: { name: 'lookup' },
      messages: [
        { role: 'user', content: 'Look it up' },
        { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{}' } },
        { role: 'function', name: 'lookup', content: 'found' },
      ],
    });
    expect(accepts(body).success).toBe(true);
  });

  it('accepts metadata with exactly 16 pairs', () => {
    expect(accepts(textRequest({ store: true, metadata: metadataPairs(16) })).success).toBe(true);
  });

  it('accepts null for every nullable field, as SDK users send it', () => {
    const body = textRequest({
      modalities: null,
      audio: null,
      temperature: null,
      top_p: null,
      max_tokens: null,
      max_completion_tokens: null,
      n: null,
      stop: null,
      seed: null,
      frequency_penalty: null,
      presence_penalty: null,
      logit_bias: null,
      logprobs: null,
      top_logprobs: null,
      prediction: null,
      stream: null,
      stream_options: null,
      metadata: null,
      store: null,
      service_tier: null,
      reasoning_effort: null,
      verbosity: null,
      prompt_cache_key: null,
      safety_identifier: null,
    });
    const result = accepts(body);
    expect(result.success).toBe(true);
    expect(result.data?.temperature).toBeNull();
  });

  it('accepts the inclusive range bounds of temperature, top_p and n', () => {
    expect(accepts(textRequest({ temperature: 0, top_p: 0, n: 1 })).success).toBe(true);
    expect(accepts(textRequest({ temperature: 2, top_p: 1, n: 128 })).success).toBe(true);
  });
});

describe('ChatCompletionRequestSchema: invalid requests are rejected', () => {
  const valid = audioRequest();
  const withUserParts = (parts: unknown[]) => ({ ...valid, messages: [{ role: 'user', content: parts }] });

  it.each<[string, unknown]>([
    ['an unknown top-level key', withKey(valid, 'voice', 'alloy')],
    ['an unknown key in audio', withKey(valid, 'audio', { voice: 'alloy', format: 'wav', pitch: 1.2 })],
    ['an unknown key in a message', withKey(valid, 'messages', [{ role: 'user', content: 'hi', lang: 'en' }])],
    [
      'an unknown key in input_audio',
      withUserParts([{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav', rate: 24000 } }]),
    ],
    ['an unknown key in stream_options', withKey(valid, 'stream_options', { include_usage: true, chunk_size: 4 })],
    [
      'an unknown key in a tool function',
      withKey(valid, 'tools', [{ type: 'function', function: { name: 'f', returns: {} } }]),
    ],
    ['temperature as a string', withKey(valid, 'temperature', '0.7')],
    ['stream as a string', withKey(valid, 'stream', 'true')],
    ['messages as an object', withKey(valid, 'messages', { role: 'user', content: 'hi' })],
    ['model as a number', withKey(valid, 'model', 4)],
    ['an empty messages array', withKey(valid, 'messages', [])],
    ['temperature above 2', withKey(valid, 'temperature', 2.01)],
    ['temperature below 0', withKey(valid, 'temperature', -0.1)],
    ['top_p above 1', withKey(valid, 'top_p', 1.01)],
    ['n of 0', withKey(valid, 'n', 0)],
    ['n above 128', withKey(valid, 'n', 129)],
    ['a fractional n', withKey(valid, 'n', 1.5)],
    ['17 metadata pairs', withKey(valid, 'metadata', metadataPairs(17))],
    ['a metadata key over 64 characters', withKey(valid, 'metadata', { ['k'.repeat(65)]: 'v' })],
    ['a tool name with a space', withKey(valid, 'tools', [{ type: 'function', function: { name: 'get weather' } }])],
    ['a tool name with a dot', withKey(valid, 'tools', [{ type: 'function', function: { name: 'weather.get' } }])],
    [
      'a tool name over 64 characters',
      withKey(valid, 'tools', [{ type: 'function', function: { name: 'f'.repeat(65) } }]),
    ],
    ['a legacy function with a bad name', withKey(valid, 'functions', [{ name: 'bad name!' }])],
    [
      'an input_audio format no one decodes',
      withUserParts([{ type: 'input_audio', input_audio: { data: 'AA', format: 'aiff' } }]),
    ],
    [
      'an input_audio part in a system message',
      withKey(valid, 'messages', [
        { role: 'system', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }] },
      ]),
    ],
    ['an unknown role', withKey(valid, 'messages', [{ role: 'narrator', content: 'hi' }])],
    ['an unknown modality', withKey(valid, 'modalities', ['text', 'video'])],
    ['an unknown output audio format', withKey(valid, 'audio', { voice: 'alloy', format: 'ogg' })],
    ['audio without a voice', withKey(valid, 'audio', { format: 'wav' })],
    ['five stop sequences', withKey(valid, 'stop', ['a', 'b', 'c', 'd', 'e'])],
  ])('rejects %s', (_label, body) => {
    expect(ChatCompletionRequestSchema.safeParse(body).success).toBe(false);
  });
});
