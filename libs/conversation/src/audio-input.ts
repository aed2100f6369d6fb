import { type AudioLimits, isAudioError, resolveInputFormat, transcodeToWav } from '@voxgate/audio';
import { type ChatCompletionRequest, type ChatMessage, Errors, type GatewayError } from '@voxgate/openai-wire';
import type { ProviderCapabilities } from '@voxgate/providers';
import { base64Bytes } from './request-estimate';

/** What the input side did, for metering and logs. */
export interface AudioInputReport {
  /** Parts converted because the provider does not take their format. */
  readonly converted: number;
}

/**
 * Every `input_audio` part is checked against its bytes (a declared format that contradicts them, empty,
 * corrupt, too long or too large audio is a 400 naming the part) and passed through untouched when the
 * provider takes its format, else decoded and re-wrapped as WAV (`transcodeToWav`), in process.
 */
export async function prepareAudioInput(
  request: ChatCompletionRequest,
  capabilities: ProviderCapabilities,
  limits: AudioLimits,
): Promise<{ messages: ChatMessage[]; report: AudioInputReport }> {
  let converted = 0;
  const messages = await Promise.all(
    request.messages.map(async (message, messageIndex) => {
      if (message.role !== 'user' || typeof message.content === 'string') return message;
      const content = await Promise.all(
        message.content.map(async (part, partIndex) => {
          if (part.type !== 'input_audio') return part;
          const param = `messages[${messageIndex}].content[${partIndex}].input_audio`;
          const bytes = decodeBase64Strictly(part.input_audio.data, `${param}.data`);
          try {
            const resolved = resolveInputFormat(part.input_audio.format, bytes);
            if ((capabilities.inputAudioFormats as readonly string[]).includes(resolved.format)) {
              return resolved.format === part.input_audio.format
                ? part
                : { ...part, input_audio: { data: part.input_audio.data, format: resolved.format } };
            }
            const wav = await transcodeToWav(bytes, resolved.format, limits);
            converted++;
            return { ...part, input_audio: { data: Buffer.from(wav).toString('base64'), format: 'wav' as const } };
          } catch (error) {
            throw audioInputError(error, param);
          }
        }),
      );
      return { ...message, content };
    }),
  );
  return { messages, report: { converted } };
}

/**
 * Node's base64 decoder skips characters it does not know, so text that is not base64 would still
 * decode to some bytes, and headerless formats (pcm16, G.711) would take them as audio. A string whose
 * decoded length is not what its length promises is refused instead. (base64url characters decode fine.)
 */
function decodeBase64Strictly(data: string, param: string): Buffer {
  const bytes = Buffer.from(data, 'base64');
  if (data.length % 4 === 1 || bytes.length !== base64Bytes(data)) {
    throw Errors.invalidRequest(`Invalid audio in '${param}': the data is not valid base64.`, param);
  }
  return bytes;
}

function audioInputError(error: unknown, param: string): unknown {
  if (!isAudioError(error) || error.code === 'invalid_argument') return error;
  const gatewayError: GatewayError = Errors.invalidRequest(
    `Invalid audio in '${param}': ${error.message}.`,
    error.code === 'format_mismatch' ? `${param}.format` : `${param}.data`,
    error.code === 'too_long' || error.code === 'too_large' ? 'audio_too_long' : 'invalid_value',
  );
  return gatewayError;
}

/** The speed a request asks for: top-level `speed`, else `audio.speed`, else 1. */
export function requestedSpeed(request: ChatCompletionRequest): number {
  return request.speed ?? request.audio?.speed ?? 1;
}

/** The request as the provider must see it: Voxgate's extensions removed. */
export function withoutExtensions(request: ChatCompletionRequest): ChatCompletionRequest {
  const { speed: _speed, ...rest } = request;
  if (!rest.audio) return rest;
  const { speed: _audioSpeed, ...audio } = rest.audio;
  return { ...rest, audio };
}
