import { speechWav } from '../audio/audio-fixtures';
import { OpenApiValidator } from './openapi-validator';

const validator = new OpenApiValidator();

const audioRequest = {
  model: 'gpt-4o-audio-preview-2025-06-03',
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'wav' },
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this recording?' },
        { type: 'input_audio', input_audio: { data: speechWav().toString('base64'), format: 'wav' } },
      ],
    },
    { role: 'assistant', audio: { id: 'audio_abc123' } },
  ],
  stream: true,
  stream_options: { include_usage: true },
};

describe('OpenApiValidator: requests', () => {
  it('accepts an audio-in, audio-out request', () => {
    expect(validator.validate('CreateChatCompletionRequest', audioRequest)).toEqual({ valid: true, errors: [] });
  });

  it('rejects a request without messages', () => {
    const { messages: _omitted, ...request } = audioRequest;
    const result = validator.validate('CreateChatCompletionRequest', request);
    expect(result.valid).toBe(false);
    expect(result.errors).toContain("/ must have required property 'messages'");
  });

  it('rejects temperature 5, naming the field and the bound', () => {
    const result = validator.validate('CreateChatCompletionRequest', { ...audioRequest, temperature: 5 });
    expect(result.valid).toBe(false);
    expect(result.errors).toContain('/temperature must be <= 2');
  });

  it('uses the discriminator to report one clear error for a union of message roles', () => {
    const request = {
      model: 'gpt-4o-audio-preview',
      messages: [
        { role: 'user', content: 5 },
        { role: 'robot', content: 'x' },
      ],
    };
    expect(validator.validate('CreateChatCompletionRequest', request).errors).toEqual([
      '/messages/0/content must be string',
      '/messages/0/content must be array',
      '/messages/1 value of tag "role" must be in oneOf',
    ]);
  });

  it('still compiles schemas whose discriminators Ajv does not support', () => {
    expect(validator.validate('CreateResponse', { model: 'gpt-4o', input: 'Hi' }).valid).toBe(true);
    expect(validator.validate('CreateResponse', { model: 'gpt-4o', input: 5 }).valid).toBe(false);
  });

  it('rejects an input_audio format the spec does not allow', () => {
    const request = {
      model: 'gpt-4o-audio-preview',
      messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'ogg' } }] }],
    };
    expect(validator.validate('CreateChatCompletionRequest', request).valid).toBe(false);
  });

  it('accepts null where the spec says nullable (OpenAPI 3.0 `nullable` rewritten)', () => {
    const request = {
      ...audioRequest,
      max_completion_tokens: null,
      n: null,
      frequency_penalty: null,
      stream_options: null,
    };
    expect(validator.validate('CreateChatCompletionRequest', request).errors).toEqual([]);
  });

  it('assertValid throws with instance paths and an excerpt that elides long strings', () => {
    expect(() => validator.assertValid('CreateChatCompletionRequest', { ...audioRequest, n: 0 })).toThrow(
      /does not match CreateChatCompletionRequest:\n {2}- \/n must be >= 1[\s\S]*Value: \{"model":"gpt-4o-audio-preview-2025-06-03".*UklGR.*…\(\d+ chars\)/,
    );
  });

  it('refuses to validate against a schema the spec does not have', () => {
    expect(() => validator.validate('NoSuchSchema', {})).toThrow(/no component schema 'NoSuchSchema'/);
    expect(validator.hasSchema('CreateChatCompletionResponse')).toBe(true);
  });

  it('reports undeclared keys only when asked, at any depth', () => {
    const request = {
      ...audioRequest,
      voxgate_session: 's1',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache: true }], name: 'ann', tenant: 't' }],
    };
    expect(validator.validate('CreateChatCompletionRequest', request).valid).toBe(true);
    expect(validator.validate('CreateChatCompletionRequest', request, { rejectUndeclaredKeys: true }).errors).toEqual([
      '/messages/0/content/0/cache is not declared by the spec',
      '/messages/0/tenant is not declared by the spec',
      '/voxgate_session is not declared by the spec',
    ]);
  });

  it('treats free-form objects (tool parameters, metadata, logit_bias) as open', () => {
    const request = {
      model: 'gpt-4o-audio-preview',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      metadata: { tenant: 'acme' },
      logit_bias: { '50256': -100 },
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            strict: true,
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
              additionalProperties: false,
            },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
    };
    expect(validator.validate('CreateChatCompletionRequest', request, { rejectUndeclaredKeys: true }).errors).toEqual(
      [],
    );
  });
});

describe('OpenApiValidator: responses and errors', () => {
  const response = {
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
            data: 'UklGRsZr',
            expires_at: 1729234747,
            transcript: 'Digits',
          },
        },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 17, completion_tokens: 181, total_tokens: 198 },
  };

  it('accepts a captured audio completion', () => {
    expect(validator.validate('CreateChatCompletionResponse', response).errors).toEqual([]);
  });

  it('lets leaked keys such as internal_metrics through unless undeclared keys are rejected', () => {
    const leaky = { ...response, choices: [{ ...response.choices[0], internal_metrics: [] }] };
    expect(validator.validate('CreateChatCompletionResponse', leaky).valid).toBe(true);
    expect(validator.validate('CreateChatCompletionResponse', leaky, { rejectUndeclaredKeys: true }).errors).toEqual([
      '/choices/0/internal_metrics is not declared by the spec',
    ]);
    expect(validator.validate('CreateChatCompletionResponse', response, { rejectUndeclaredKeys: true }).valid).toBe(
      true,
    );
  });

  it('rejects an audio object missing a required key', () => {
    const { transcript: _omitted, ...audio } = response.choices[0]!.message.audio;
    const broken = {
      ...response,
      choices: [{ ...response.choices[0], message: { ...response.choices[0]!.message, audio } }],
    };
    expect(validator.validate('CreateChatCompletionResponse', broken).errors).toContain(
      "/choices/0/message/audio must have required property 'transcript'",
    );
  });

  it('requires all four keys of an error body', () => {
    expect(
      validator.validate('ErrorResponse', { error: { message: 'x', type: 'server_error', param: null, code: null } })
        .valid,
    ).toBe(true);
    expect(validator.validate('ErrorResponse', { error: { message: 'x', type: 'server_error' } }).valid).toBe(false);
  });
});
