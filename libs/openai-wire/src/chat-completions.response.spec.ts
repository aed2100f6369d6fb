import { ChatCompletionResponseSchema } from './chat-completions.response';

/** What a client receives once the object is serialized (`undefined` keys vanish). */
const onWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Simon Willison's 2024-10-18 capture (openai-contract.md §2), with the 2024 `internal_*` leaks. */
function capturedAudioResponse(): Record<string, unknown> {
  return {
    id: 'chatcmpl-AJaIpDBFpLleTUwQJefzs1JJE5p5g',
    object: 'chat.completion',
    created: 1729231143,
    model: 'gpt-4o-audio-preview-2024-10-01',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          audio: {
            id: 'audio_6711f92b13a081908e8f3b61bf18b3f3',
            data: 'UklGRsZrAABXQVZF',
            expires_at: 1729234747,
            transcript: "Digits intertwine,  \nIn dance of noughts and unity,  \nCode's whispers breathe life.",
          },
        },
        finish_reason: 'stop',
        internal_metrics: [],
      },
    ],
    usage: {
      prompt_tokens: 17,
      completion_tokens: 181,
      total_tokens: 198,
      prompt_tokens_details: {
        cached_tokens: 0,
        cached_tokens_internal: 0,
        text_tokens: 17,
        image_tokens: 0,
        audio_tokens: 0,
      },
      completion_tokens_details: { reasoning_tokens: 0, text_tokens: 33, audio_tokens: 148 },
    },
    system_fingerprint: 'fp_6e2d124157',
  };
}

describe('ChatCompletionResponseSchema: lenient upstream parsing', () => {
  it('parses a captured audio response that has no logprobs key', () => {
    const result = ChatCompletionResponseSchema.safeParse(capturedAudioResponse());
    expect(result.success).toBe(true);
    expect(result.data?.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        audio: {
          id: 'audio_6711f92b13a081908e8f3b61bf18b3f3',
          data: 'UklGRsZrAABXQVZF',
          expires_at: 1729234747,
          transcript: "Digits intertwine,  \nIn dance of noughts and unity,  \nCode's whispers breathe life.",
        },
      },
      finish_reason: 'stop',
      logprobs: null,
    });
  });

  it('strips internal_metrics and cached_tokens_internal but keeps every usage detail of the spec', () => {
    const parsed = ChatCompletionResponseSchema.parse(capturedAudioResponse());
    expect(JSON.stringify(parsed)).not.toContain('internal');
    expect(parsed.usage).toEqual({
      prompt_tokens: 17,
      completion_tokens: 181,
      total_tokens: 198,
      prompt_tokens_details: { cached_tokens: 0, text_tokens: 17, image_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, text_tokens: 33, audio_tokens: 148 },
    });
    expect(parsed.system_fingerprint).toBe('fp_6e2d124157');
  });

  it('drops system_fingerprint: null instead of forwarding a null the spec does not allow', () => {
    const parsed = ChatCompletionResponseSchema.parse({ ...capturedAudioResponse(), system_fingerprint: null });
    expect(parsed.system_fingerprint).toBeUndefined();
    expect(onWire(parsed)).not.toHaveProperty('system_fingerprint');
  });

  it('drops null usage, tool_calls and annotations, and unknown top-level keys', () => {
    const body = capturedAudioResponse();
    const parsed = ChatCompletionResponseSchema.parse({
      ...body,
      usage: null,
      provider_debug: { shard: 7 },
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi', refusal: null, tool_calls: null, annotations: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    });
    expect(onWire(parsed)).not.toHaveProperty('usage');
    expect(onWire(parsed)).not.toHaveProperty('provider_debug');
    expect(parsed.choices[0]?.message).toEqual({ role: 'assistant', content: 'Hi', refusal: null });
  });

  it('fills role, content and refusal when a provider omits them, and keeps an unknown finish reason', () => {
    const parsed = ChatCompletionResponseSchema.parse({
      ...capturedAudioResponse(),
      choices: [{ index: 0, message: {}, finish_reason: 'eos_token', logprobs: null }],
    });
    expect(parsed.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, refusal: null },
      finish_reason: 'eos_token',
      logprobs: null,
    });
  });

  it('keeps tool calls and the 2026 fields (annotations, service_tier, prediction token counts)', () => {
    const parsed = ChatCompletionResponseSchema.parse({
      ...capturedAudioResponse(),
      service_tier: 'default',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            annotations: [],
            tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 8,
        completion_tokens: 54,
        total_tokens: 62,
        completion_tokens_details: {
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
          text_tokens: 17,
          audio_tokens: 37,
        },
      },
    });
    expect(parsed.service_tier).toBe('default');
    expect(parsed.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
    ]);
    expect(parsed.usage?.completion_tokens_details).toEqual({
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
      text_tokens: 17,
      audio_tokens: 37,
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a non-completion object', { object: 'chat.completion.chunk' }],
    ['a string created', { created: '1729231143' }],
    ['missing choices', { choices: undefined }],
    ['usage without total_tokens', { usage: { prompt_tokens: 1, completion_tokens: 2 } }],
  ])('rejects %s', (_label, patch) => {
    expect(ChatCompletionResponseSchema.safeParse({ ...capturedAudioResponse(), ...patch }).success).toBe(false);
  });
});
