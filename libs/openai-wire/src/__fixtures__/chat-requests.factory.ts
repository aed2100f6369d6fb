/**
 * Request bodies as a client builds them with the official SDK (typed by openai-node, so they stay
 * realistic): factories with overrides, per STYLE.md §10.
 */
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions/completions';

/** A few bytes of base64 WAV header (`RIFF....WAVE`); the schema does not decode audio. */
export const WAV_BASE64 = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEA';

export function textRequest(
  overrides: Partial<ChatCompletionCreateParamsNonStreaming> = {},
): ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'gpt-4o-audio-preview',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Is a golden retriever a good family dog?' },
    ],
    ...overrides,
  };
}

/** openai-contract.md §1.3: audio in, text + audio out. */
export function audioRequest(
  overrides: Partial<ChatCompletionCreateParamsNonStreaming> = {},
): ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'gpt-4o-audio-preview-2025-06-03',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'wav' },
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this recording?' },
          { type: 'input_audio', input_audio: { data: WAV_BASE64, format: 'wav' } },
        ],
      },
    ],
    ...overrides,
  };
}

export function streamingAudioRequest(
  overrides: Partial<ChatCompletionCreateParamsStreaming> = {},
): ChatCompletionCreateParamsStreaming {
  return {
    ...audioRequest(),
    audio: { voice: 'alloy', format: 'pcm16' },
    stream: true,
    stream_options: { include_usage: true },
    ...overrides,
  };
}

/** A body with one key replaced or added, typed loosely on purpose: it is meant to be invalid. */
export function withKey(body: object, key: string, value: unknown): Record<string, unknown> {
  return { ...body, [key]: value };
}
