import { PCM16_BYTES_PER_SECOND, SPEECH_TRANSCRIPT, speechPcm16 } from '../audio/audio-fixtures';
import {
  type ErrorReply,
  missingAudioParameter,
  unsupportedAudioFormat,
  unsupportedStreamAudioFormat,
} from './fake-upstream.errors';
import { audioId, completionId, systemFingerprint, toolCallId } from './fake-upstream.ids';
import type { ChatRequestView } from './fake-upstream.request';
import type { CompletionReply, ToolCallsReply } from './fake-upstream.script';
import type { AssistantMessage, CompletionUsage, FinishReason, ToolCall } from './fake-upstream.wire';

/** The text answer of the default behaviour: the same words the audio fixture speaks. */
export const DEFAULT_TEXT_ANSWER = SPEECH_TRANSCRIPT;

/** Identity of one answer, shared by all chunks of a stream. */
export interface CompletionContext {
  request: ChatRequestView;
  id: string;
  /** Unix seconds. */
  created: number;
  systemFingerprint: string;
  audioId: string;
}

/** What the fake model "says", before it is shaped into a response or a chunk sequence. */
export interface Answer {
  /** `content` in text mode, the transcript in audio mode. */
  text: string;
  /** Speech as 24 kHz mono s16le, when audio output was requested and no tool is called. */
  pcm: Buffer | undefined;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** A finish reason chosen by a script; audio streams then end with an explicit finish chunk. */
  scriptedFinish: boolean;
  messageOverride: Partial<AssistantMessage>;
  usageOverride: Partial<CompletionUsage>;
}

export function newCompletionContext(request: ChatRequestView): CompletionContext {
  return {
    request,
    id: completionId(),
    created: Math.floor(Date.now() / 1000),
    systemFingerprint: systemFingerprint(),
    audioId: audioId(),
  };
}

/** The 400s a real audio model gives for audio parameters, plus the formats this fake cannot produce. */
export function checkAudioParameters(request: ChatRequestView): ErrorReply | undefined {
  if (!request.wantsAudio) return undefined;
  if (request.audioFormat === undefined) return missingAudioParameter();
  if (request.stream && request.audioFormat !== 'pcm16') return unsupportedStreamAudioFormat(request.audioFormat);
  if (request.audioFormat !== 'pcm16' && request.audioFormat !== 'wav')
    return unsupportedAudioFormat(request.audioFormat);
  return undefined;
}

export function planAnswer(request: ChatRequestView, reply?: CompletionReply | ToolCallsReply): Answer {
  if (reply?.kind === 'toolCalls') {
    const toolCalls = reply.calls.map((call): ToolCall => ({
      id: call.id ?? toolCallId(),
      type: 'function',
      function: {
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      },
    }));
    const text = toolCalls.map((call) => call.function.name + call.function.arguments).join('');
    return { ...base(text, undefined), toolCalls, finishReason: 'tool_calls', usageOverride: reply.usage ?? {} };
  }
  const override = reply?.message ?? {};
  const scriptedText =
    override.audio?.transcript ?? (typeof override.content === 'string' ? override.content : undefined);
  const answer = base(scriptedText ?? DEFAULT_TEXT_ANSWER, request.wantsAudio ? speechPcm16() : undefined);
  answer.messageOverride = override;
  answer.usageOverride = reply?.usage ?? {};
  if (reply?.finishReason !== undefined) {
    answer.finishReason = reply.finishReason;
    answer.scriptedFinish = true;
  }
  return answer;
}

function base(text: string, pcm: Buffer | undefined): Answer {
  return {
    text,
    pcm,
    toolCalls: [],
    finishReason: 'stop',
    scriptedFinish: false,
    messageOverride: {},
    usageOverride: {},
  };
}

/**
 * Usage as OpenAI reports it for audio models (openai-contract.md §2 and §5): about 4 characters per text
 * token, 10 tokens per second of input audio, 20 per second of output audio, and totals that add up.
 */
export function usageFor(request: ChatRequestView, answer: Answer): CompletionUsage {
  const promptText = Math.ceil(request.promptTextChars / 4);
  const promptAudio = request.promptAudioSeconds.reduce((sum, seconds) => sum + Math.ceil(seconds * 10), 0);
  const completionText = Math.ceil(answer.text.length / 4);
  const completionAudio = answer.pcm === undefined ? 0 : Math.ceil((answer.pcm.length / PCM16_BYTES_PER_SECOND) * 20);
  const usage: CompletionUsage = {
    prompt_tokens: promptText + promptAudio,
    completion_tokens: completionText + completionAudio,
    total_tokens: promptText + promptAudio + completionText + completionAudio,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: promptAudio, text_tokens: promptText, image_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: completionAudio,
      text_tokens: completionText,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  return { ...usage, ...answer.usageOverride };
}
