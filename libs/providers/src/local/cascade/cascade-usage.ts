import type { Usage } from '@voxgate/openai-wire';

/** OpenAI's audio token rates (research/openai-contract.md §5), as the gateway estimates them elsewhere. */
export const CASCADE_AUDIO_TOKENS_PER_SECOND_IN = 10;
export const CASCADE_AUDIO_TOKENS_PER_SECOND_OUT = 20;
const CHARS_PER_TOKEN = 4;

export interface CascadeAudio {
  /** Seconds of input audio transcribed. */
  readonly audioInSeconds: number;
  /** Seconds of pcm16 synthesized (at speed 1, before the gateway's conversion). */
  readonly audioOutSeconds: number;
  /** Characters the text model produced, for the estimate when it reported no usage. */
  readonly textOutChars: number;
}

/**
 * The usage of a cascade answer, in the shape of OpenAI's audio models:
 *
 * - text tokens are the text model's own counts (its prompt holds the transcripts, so the words heard are
 *   counted there as text); a text model that reported no usage gets an estimate of 4 characters a token
 *   for its output and 0 for its prompt;
 * - audio tokens are counted as OpenAI bills them: 10 per second of input audio, 20 per second of output
 *   audio (`prompt_tokens_details.audio_tokens`, `completion_tokens_details.audio_tokens`), and added to
 *   `prompt_tokens` / `completion_tokens` as OpenAI's totals include them.
 */
export function cascadeUsage(text: Usage | null, audio: CascadeAudio): Usage {
  const promptText = text?.prompt_tokens ?? 0;
  const completionText = text?.completion_tokens ?? Math.ceil(audio.textOutChars / CHARS_PER_TOKEN);
  const audioIn = Math.ceil(audio.audioInSeconds * CASCADE_AUDIO_TOKENS_PER_SECOND_IN);
  const audioOut = Math.ceil(audio.audioOutSeconds * CASCADE_AUDIO_TOKENS_PER_SECOND_OUT);
  const prompt = promptText + audioIn;
  const completion = completionText + audioOut;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: {
      audio_tokens: audioIn,
      cached_tokens: text?.prompt_tokens_details?.cached_tokens ?? 0,
      text_tokens: promptText,
    },
    completion_tokens_details: {
      audio_tokens: audioOut,
      reasoning_tokens: text?.completion_tokens_details?.reasoning_tokens ?? 0,
      text_tokens: completionText,
    },
  };
}
