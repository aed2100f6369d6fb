import type { ChatCompletionRequest } from '@voxgate/openai-wire';
import { GatewayError } from '@voxgate/openai-wire';
import type { ProviderCapabilities } from '@voxgate/providers';
import { OPENAI_CAPABILITIES } from './__fixtures__/fake-provider';
import { checkAudioRules } from './audio-rules';

function request(overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return {
    model: 'gpt-4o-audio-preview',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'pcm16' },
    messages: [{ role: 'user', content: 'Say hi.' }],
    ...overrides,
  };
}

function violation(body: ChatCompletionRequest, capabilities: ProviderCapabilities = OPENAI_CAPABILITIES) {
  try {
    checkAudioRules(body, capabilities);
  } catch (error) {
    if (error instanceof GatewayError) return { status: error.status, ...error.toOpenAIError() };
    throw error;
  }
  return null;
}

describe('checkAudioRules', () => {
  it('accepts a non-streaming wav request and a streaming pcm16 request', () => {
    expect(violation(request({ audio: { voice: 'alloy', format: 'wav' } }))).toBeNull();
    expect(violation(request({ stream: true, stream_options: { include_usage: true } }))).toBeNull();
  });

  it('requires audio when modalities include audio', () => {
    expect(violation(request({ audio: undefined }))).toEqual({
      status: 400,
      message: "Missing required parameter: 'audio'. It is required when 'modalities' includes 'audio'.",
      type: 'invalid_request_error',
      param: 'audio',
      code: 'missing_required_parameter',
    });
    expect(violation(request({ audio: null }))).toMatchObject({ param: 'audio', code: 'missing_required_parameter' });
  });

  it('does not require audio for text-only output', () => {
    expect(violation(request({ modalities: ['text'], audio: undefined }))).toBeNull();
    expect(violation(request({ modalities: null, audio: undefined }))).toBeNull();
  });

  it('rejects a non-pcm16 format with stream=true with OpenAI’s exact message', () => {
    expect(violation(request({ stream: true, audio: { voice: 'alloy', format: 'wav' } }))).toEqual({
      status: 400,
      message:
        "Unsupported value: 'audio.format' does not support 'wav' when stream=true. Supported values are: 'pcm16'.",
      type: 'invalid_request_error',
      param: 'audio.format',
      code: 'unsupported_value',
    });
  });

  it('lists every streaming format the provider declares', () => {
    const capabilities = { ...OPENAI_CAPABILITIES, streamingAudioFormats: ['pcm16', 'opus'] as const };
    expect(violation(request({ stream: true, audio: { voice: 'alloy', format: 'mp3' } }), capabilities)?.message).toBe(
      "Unsupported value: 'audio.format' does not support 'mp3' when stream=true. Supported values are: 'pcm16', 'opus'.",
    );
    expect(violation(request({ stream: true, audio: { voice: 'alloy', format: 'opus' } }), capabilities)).toBeNull();
  });

  it('rejects stream_options without stream', () => {
    const expected = {
      status: 400,
      message: "Invalid value for 'stream_options': Setting 'stream_options' is only allowed when 'stream' is enabled.",
      type: 'invalid_request_error',
      param: 'stream_options',
      code: 'invalid_value',
    };
    expect(violation(request({ stream_options: { include_usage: true } }))).toEqual(expected);
    expect(violation(request({ stream: false, stream_options: { include_usage: true } }))).toEqual(expected);
    expect(violation(request({ stream: false, stream_options: null }))).toBeNull();
  });

  it('rejects an input_audio format the provider cannot decode, naming the part', () => {
    const body = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Listen:' },
            { type: 'input_audio', input_audio: { data: 'SUQzBAA', format: 'mp3' } },
          ],
        },
      ],
    });
    expect(violation(body, { ...OPENAI_CAPABILITIES, inputAudioFormats: ['wav'] })).toEqual({
      status: 400,
      message: 'This model does not support the format you provided.',
      type: 'invalid_request_error',
      param: 'messages[1].content[1].input_audio.format',
      code: 'unsupported_format',
    });
    expect(violation(body)).toBeNull();
  });
});
