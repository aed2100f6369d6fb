import { type ChatCompletionRequest, Errors } from '@voxgate/openai-wire';
import type { ProviderCapabilities } from '@voxgate/providers';

/**
 * Rules OpenAI enforces on audio requests that the OpenAPI spec does not encode. Checked before the
 * provider is called so the client gets the same 400 it would get from OpenAI, without an upstream trip.
 */
export function checkAudioRules(request: ChatCompletionRequest, capabilities: ProviderCapabilities): void {
  const wantsAudio = request.modalities?.includes('audio') ?? false;
  if (wantsAudio && !request.audio) {
    throw Errors.invalidRequest(
      "Missing required parameter: 'audio'. It is required when 'modalities' includes 'audio'.",
      'audio',
      'missing_required_parameter',
    );
  }
  if (
    wantsAudio &&
    request.audio &&
    request.stream &&
    !capabilities.streamingAudioFormats.includes(request.audio.format)
  ) {
    const supported = capabilities.streamingAudioFormats.map((format) => `'${format}'`).join(', ');
    throw Errors.invalidRequest(
      `Unsupported value: 'audio.format' does not support '${request.audio.format}' when stream=true. Supported values are: ${supported}.`,
      'audio.format',
      'unsupported_value',
    );
  }
  if (!request.stream && request.stream_options) {
    throw Errors.invalidRequest(
      "Invalid value for 'stream_options': Setting 'stream_options' is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  }
  request.messages.forEach((message, messageIndex) => {
    if (message.role !== 'user' || typeof message.content === 'string') return;
    message.content.forEach((part, partIndex) => {
      if (part.type !== 'input_audio') return;
      if (!capabilities.inputAudioFormats.includes(part.input_audio.format)) {
        throw Errors.invalidRequest(
          'This model does not support the format you provided.',
          `messages[${messageIndex}].content[${partIndex}].input_audio.format`,
          'unsupported_format',
        );
      }
    });
  });
}
