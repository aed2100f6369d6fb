/**
 * The OpenAI wire shapes the fake upstream produces, typed just enough for its builders. Field names and
 * presence follow research/openai-contract.md §2 and §3; the OpenAPI spec is the check, not these types.
 */

/** `Error` of the spec: all four keys are required, `param` and `code` may be null. */
export interface OpenAiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** `message.audio` of a non-streaming completion; `data` is base64 of the requested format. */
export interface AssistantAudio {
  id: string;
  data: string;
  expires_at: number;
  transcript: string;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  annotations: unknown[];
  audio?: AssistantAudio | null;
  tool_calls?: ToolCall[];
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: {
    cached_tokens: number;
    audio_tokens: number;
    text_tokens: number;
    image_tokens: number;
  };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    text_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: AssistantMessage;
    logprobs: null;
    finish_reason: FinishReason;
  }[];
  usage: CompletionUsage;
  service_tier: 'default';
  system_fingerprint: string;
}

/** A `chat.completion.chunk`; chunks are plain objects because real ones vary in which keys they carry. */
export type ChatCompletionChunk = Record<string, unknown>;
