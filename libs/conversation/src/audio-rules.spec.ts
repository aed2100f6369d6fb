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

  it('accepts any gateway output format with stream=true: the audio engine converts', () => {
    expect(violation(request({ stream: true, audio: { voice: 'alloy', format: 'wav' } }))).toBeNull();
    expect(violation(request({ stream: true, audio: { voice: 'alloy', format: 'g711_ulaw' } }))).toBeNull();
  });

  it('rejects speed without audio output, naming where it was set', () => {
    expect(violation(request({ modalities: ['text'], audio: undefined, speed: 1.5 }))).toMatchObject({
      status: 400,
      param: 'speed',
    });
    expect(
      violation(request({ modalities: ['text'], audio: { voice: 'alloy', format: 'wav', speed: 2 } })),
    ).toMatchObject({ status: 400, param: 'audio.speed' });
    expect(violation(request({ speed: 0.5, audio: { voice: 'alloy', format: 'wav' } }))).toBeNull();
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
});
