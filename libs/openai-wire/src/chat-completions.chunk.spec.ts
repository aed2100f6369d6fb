import { ChatCompletionChunkSchema } from './chat-completions.chunk';

/** What a client receives once the object is serialized (`undefined` keys vanish). */
const onWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const header = {
  id: 'chatcmpl-AKTisMkErFxmr5c3wz1p88sWVxa0T',
  object: 'chat.completion.chunk',
  created: 1729444178,
  model: 'gpt-4o-audio-preview-2024-10-01',
};

describe('ChatCompletionChunkSchema: lenient upstream parsing (openai-contract.md §3.2)', () => {
  it('reads the audio role chunk, dropping system_fingerprint: null and keeping usage: null', () => {
    const parsed = ChatCompletionChunkSchema.parse({
      ...header,
      system_fingerprint: null,
      choices: [{ index: 0, delta: { role: 'assistant', refusal: null }, finish_reason: null }],
      usage: null,
    });
    expect(parsed).toEqual({
      ...header,
      choices: [{ index: 0, delta: { role: 'assistant', refusal: null }, finish_reason: null }],
      usage: null,
    });
    expect(onWire(parsed)).not.toHaveProperty('system_fingerprint');
  });

  it('keeps the audio id, transcript and data fragments', () => {
    const parsed = ChatCompletionChunkSchema.parse({
      ...header,
      system_fingerprint: 'fp_4eafc16e9d',
      choices: [
        {
          index: 0,
          delta: {
            content: null,
            audio: { id: 'audio_67153952b364819093d6a4aac6e0767a', transcript: 'Hi', data: 'CAAIAA' },
          },
          finish_reason: null,
        },
      ],
    });
    expect(parsed.system_fingerprint).toBe('fp_4eafc16e9d');
    expect(parsed.choices[0]?.delta).toEqual({
      content: null,
      audio: { id: 'audio_67153952b364819093d6a4aac6e0767a', transcript: 'Hi', data: 'CAAIAA' },
    });
  });

  it('reads the expires_at-only marker, which has no finish_reason, as finish_reason null', () => {
    const parsed = ChatCompletionChunkSchema.parse({
      ...header,
      choices: [{ index: 0, delta: { audio: { expires_at: 1730768595 } } }],
    });
    expect(parsed.choices).toEqual([{ index: 0, delta: { audio: { expires_at: 1730768595 } }, finish_reason: null }]);
  });

  it('defaults a missing delta to {}', () => {
    const parsed = ChatCompletionChunkSchema.parse({ ...header, choices: [{ index: 0, finish_reason: 'stop' }] });
    expect(parsed.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
  });

  it('keeps usage details on the usage chunk and strips unknown keys there and on the chunk', () => {
    const parsed = ChatCompletionChunkSchema.parse({
      ...header,
      choices: [],
      internal_metrics: [{ latency: 3 }],
      usage: {
        prompt_tokens: 22,
        completion_tokens: 63,
        total_tokens: 85,
        prompt_tokens_details: {
          cached_tokens: 0,
          cached_tokens_internal: 0,
          audio_tokens: 0,
          text_tokens: 22,
          image_tokens: 0,
        },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 50, text_tokens: 13 },
      },
    });
    expect(parsed).toEqual({
      ...header,
      choices: [],
      usage: {
        prompt_tokens: 22,
        completion_tokens: 63,
        total_tokens: 85,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0, text_tokens: 22, image_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 50, text_tokens: 13 },
      },
    });
  });

  it('reads tool-call deltas, dropping nulls some servers send for absent fields', () => {
    const parsed = ChatCompletionChunkSchema.parse({
      ...header,
      obfuscation: null,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: null, type: null, function: { name: null, arguments: '{"city":' } }] },
          finish_reason: null,
        },
      ],
    });
    expect(onWire(parsed)).not.toHaveProperty('obfuscation');
    expect(parsed.choices[0]?.delta.tool_calls).toEqual([{ index: 0, function: { arguments: '{"city":' } }]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a chat.completion object', { object: 'chat.completion' }],
    ['a missing model', { model: undefined }],
    ['a negative choice index', { choices: [{ index: -1, delta: {}, finish_reason: null }] }],
    ['a numeric transcript', { choices: [{ index: 0, delta: { audio: { transcript: 5 } }, finish_reason: null }] }],
  ])('rejects %s', (_label, patch) => {
    expect(ChatCompletionChunkSchema.safeParse({ ...header, choices: [], ...patch }).success).toBe(false);
  });
});
