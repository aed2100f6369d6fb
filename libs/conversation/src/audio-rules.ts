import { type ChatCompletionRequest, Errors } from '@voxgate/openai-wire';
import type { ProviderCapabilities } from '@voxgate/providers';

/**
 * Rules OpenAI enforces on audio requests that the OpenAPI spec does not encode, and the rules of
 * Voxgate's `speed` extension. Checked before the provider is called so the client gets the same 400 it
 * would get from OpenAI, without an upstream trip. Formats are not a rule here: the audio engine converts
 * what a provider cannot take or give (`prepareAudioInput`, `planAudioOutput`).
 */
export function checkAudioRules(request: ChatCompletionRequest, _capabilities: ProviderCapabilities): void {
  const wantsAudio = request.modalities?.includes('audio') ?? false;
  if (wantsAudio && !request.audio) {
    throw Errors.invalidRequest(
      "Missing required parameter: 'audio'. It is required when 'modalities' includes 'audio'.",
      'audio',
      'missing_required_parameter',
    );
  }
  if (!wantsAudio && (request.speed !== undefined || request.audio?.speed !== undefined)) {
    throw Errors.invalidRequest(
      "'speed' applies to audio answers: set 'modalities' to include 'audio'.",
      request.speed !== undefined ? 'speed' : 'audio.speed',
    );
  }
  if (!request.stream && request.stream_options) {
    throw Errors.invalidRequest(
      "Invalid value for 'stream_options': Setting 'stream_options' is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  }
}
