import { AUDIO_TOKENS_PER_SECOND_IN, textTokensOf } from '@voxgate/conversation';
import { NO_TOKENS, type TokenBreakdown } from '@voxgate/metering';
import type { TranscriptUsage } from '@voxgate/openai-wire';
import type { AudioEstimate } from './metered-audio';

/** Text tokens a second of speech yields, for the estimate reserved at admission (~150 words a minute). */
const TEXT_TOKENS_PER_SECOND = 4;

/**
 * What a transcription of `seconds` of audio is expected to consume, reserved at admission: the same for
 * `POST /v1/audio/transcriptions` and a realtime session's input audio transcription.
 */
export function transcriptionEstimate(seconds: number, prompt: string | undefined): AudioEstimate {
  return {
    tokens: {
      ...NO_TOKENS,
      inputText: prompt ? textTokensOf(prompt.length) : 0,
      inputAudio: Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND_IN),
      outputText: Math.ceil(seconds * TEXT_TOKENS_PER_SECOND),
    },
    inputCharacters: 0,
    audioInMs: seconds * 1000,
    audioOutMs: 0,
  };
}

/** Transcription usage by modality: OpenAI's token usage, or nothing for duration-billed models. */
export function transcriptTokensOf(usage: TranscriptUsage): TokenBreakdown {
  if (usage.type === 'duration') return NO_TOKENS;
  const audio = usage.input_token_details?.audio_tokens ?? usage.input_tokens;
  const text = usage.input_token_details?.text_tokens ?? Math.max(0, usage.input_tokens - audio);
  return { ...NO_TOKENS, inputText: text, inputAudio: audio, outputText: usage.output_tokens };
}
