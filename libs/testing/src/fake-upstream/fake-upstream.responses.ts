import { PCM16_SAMPLE_RATE } from '../audio/audio-fixtures';
import { wavFromPcm16 } from '../audio/wav.format';
import { type Answer, type CompletionContext, usageFor } from './fake-upstream.answer';
import type { AssistantMessage, ChatCompletion } from './fake-upstream.wire';

/** Seconds an audio answer stays referable by `audio.id` in later turns (openai-contract.md §1.1). */
export const AUDIO_TTL_SECONDS = 3600;

/**
 * A non-streaming `chat.completion` as gpt-4o-audio-preview returns it (openai-contract.md §2): with audio
 * output `content` is null and the words are in `audio.transcript`; `audio.data` is a whole WAV file for
 * `wav` and raw 24 kHz s16le for `pcm16`; `model` echoes the request.
 */
export function buildCompletion(context: CompletionContext, answer: Answer): ChatCompletion {
  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.request.model,
    choices: [{ index: 0, message: buildMessage(context, answer), logprobs: null, finish_reason: answer.finishReason }],
    usage: usageFor(context.request, answer),
    service_tier: 'default',
    system_fingerprint: context.systemFingerprint,
  };
}

function buildMessage(context: CompletionContext, answer: Answer): AssistantMessage {
  const message: AssistantMessage = { role: 'assistant', content: null, refusal: null, annotations: [] };
  const calls = answer.toolCalls.length > 0;
  if (calls) message.tool_calls = answer.toolCalls;
  if (answer.pcm !== undefined) {
    const audio = context.request.audioFormat === 'wav' ? wavFromPcm16(answer.pcm, PCM16_SAMPLE_RATE) : answer.pcm;
    message.audio = {
      id: context.audioId,
      data: audio.toString('base64'),
      expires_at: context.created + AUDIO_TTL_SECONDS,
      transcript: answer.text,
    };
  } else if (!calls || answer.say !== undefined) {
    message.content = answer.text;
  }
  return { ...message, ...answer.messageOverride };
}

/** The `GET /v1/models` list of the fake. */
export function buildModelList(): {
  object: 'list';
  data: { id: string; object: 'model'; created: number; owned_by: string }[];
} {
  const ids = ['gpt-4o-audio-preview', 'gpt-4o-audio-preview-2025-06-03', 'gpt-4o-mini-audio-preview', 'gpt-audio'];
  return {
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 1_727_460_443, owned_by: 'system' })),
  };
}
