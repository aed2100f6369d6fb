import type { Usage } from '@voxgate/openai-wire';

/** Billable tokens of one request, by direction and modality. `inputCached` is part of `inputText`. */
export interface TokenBreakdown {
  readonly inputText: number;
  readonly inputAudio: number;
  readonly inputCached: number;
  readonly outputText: number;
  readonly outputAudio: number;
}

export const NO_TOKENS: TokenBreakdown = { inputText: 0, inputAudio: 0, inputCached: 0, outputText: 0, outputAudio: 0 };

/**
 * Splits OpenAI's `usage` by modality. Providers that omit the details get everything counted as text,
 * the cheaper assumption being wrong only for audio models that hide their audio tokens; cached tokens are
 * attributed to text input (OpenAI's cached audio is priced like cached text).
 */
export function breakdownOf(usage: Usage): TokenBreakdown {
  const prompt = usage.prompt_tokens_details;
  const completion = usage.completion_tokens_details;
  const inputAudio = prompt?.audio_tokens ?? 0;
  const outputAudio = completion?.audio_tokens ?? 0;
  return {
    inputText: Math.max(0, usage.prompt_tokens - inputAudio),
    inputAudio,
    inputCached: Math.min(prompt?.cached_tokens ?? 0, Math.max(0, usage.prompt_tokens - inputAudio)),
    outputText: Math.max(0, usage.completion_tokens - outputAudio),
    outputAudio,
  };
}

export function totalTokens(tokens: TokenBreakdown): number {
  return tokens.inputText + tokens.inputAudio + tokens.outputText + tokens.outputAudio;
}
