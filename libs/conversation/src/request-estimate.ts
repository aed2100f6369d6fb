import type { ChatCompletionRequest } from '@voxgate/openai-wire';
import { audioDurationMs } from './audio-duration';

/**
 * OpenAI's audio token rates (research/openai-contract.md §5): about 10 tokens per second of input audio,
 * 20 per second of output audio. Used only where the provider has not told us (quota estimates, cancelled
 * streams); billing uses the provider's usage whenever it exists.
 */
export const AUDIO_TOKENS_PER_SECOND_IN = 10;
export const AUDIO_TOKENS_PER_SECOND_OUT = 20;
const CHARS_PER_TOKEN = 4;

/** A request's expected size before it runs, for quota reservations. */
export interface RequestEstimate {
  readonly inputTextTokens: number;
  readonly inputAudioTokens: number;
  /** Output budget: `max_completion_tokens`, `max_tokens`, or the configured default. */
  readonly outputTokens: number;
  readonly wantsAudio: boolean;
  readonly audioInMs: number;
}

export function estimateRequest(request: ChatCompletionRequest, defaultOutputTokens: number): RequestEstimate {
  let chars = 0;
  let audioInMs = 0;
  for (const message of request.messages) {
    const content = 'content' in message ? message.content : null;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === 'text') chars += part.text.length;
        else if (part.type === 'input_audio') {
          const { data, format } = part.input_audio;
          // Only the header is decoded: estimating must not copy megabytes of audio.
          const head = Buffer.from(data.slice(0, 64), 'base64');
          audioInMs += audioDurationMs(format, base64Bytes(data), head) ?? 0;
        }
      }
    }
  }
  if (request.tools) chars += JSON.stringify(request.tools).length;
  if (request.functions) chars += JSON.stringify(request.functions).length;
  return {
    inputTextTokens: Math.ceil(chars / CHARS_PER_TOKEN) + 4 * request.messages.length,
    inputAudioTokens: Math.ceil((audioInMs / 1000) * AUDIO_TOKENS_PER_SECOND_IN),
    outputTokens: request.max_completion_tokens ?? request.max_tokens ?? defaultOutputTokens,
    wantsAudio: request.modalities?.includes('audio') ?? false,
    audioInMs,
  };
}

/** Tokens for text that was generated but never accounted by the provider (a cancelled stream). */
export function textTokensOf(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
