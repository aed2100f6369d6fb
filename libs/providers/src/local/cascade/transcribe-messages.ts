import { decodeAudio, isAudioError } from '@voxgate/audio';
import { LocalVoiceError } from '@voxgate/local-voice';
import { type ChatCompletionRequest, type ChatMessage, Errors } from '@voxgate/openai-wire';
import type { LocalEngines } from '../local-speech';
import { gatewayErrorOf } from '../local.api';

/** The conversation as text, and how much audio was listened to. */
export interface HeardConversation {
  readonly messages: ChatMessage[];
  /** Seconds of input audio transcribed (every turn's), for usage. */
  readonly audioSeconds: number;
}

/**
 * Replaces every `input_audio` part (the gateway hands them over as WAV) of every user message, earlier
 * turns included, by a text part with its transcript, one part after the other so the pool of one worker
 * is not queued behind itself. Audio without speech becomes an empty text part.
 *
 * An assistant message's `audio: { id }` refers to audio the text model never saw and has no transcript
 * on the wire: the reference is dropped, and a message left with neither content nor tool calls gets
 * `content: ""` (the spec requires one of them).
 */
export async function transcribeMessages(
  messages: readonly ChatMessage[],
  engines: LocalEngines,
  provider: string,
  signal: AbortSignal,
): Promise<HeardConversation> {
  let audioSeconds = 0;
  const heard: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role === 'assistant' && message.audio) {
      const { audio: _audio, ...rest } = message;
      const silent = (rest.content === null || rest.content === undefined) && !rest.tool_calls && !rest.function_call;
      heard.push(silent ? { ...rest, content: '' } : rest);
      continue;
    }
    if (message.role !== 'user' || typeof message.content === 'string') {
      heard.push(message);
      continue;
    }
    const content: Exclude<typeof message.content, string> = [];
    for (const part of message.content) {
      if (part.type !== 'input_audio') {
        content.push(part);
        continue;
      }
      try {
        const pcm = await decodeAudio(Buffer.from(part.input_audio.data, 'base64'), 'wav');
        const result = await engines.transcribe({ pcm16: pcm.samples, sampleRate: pcm.sampleRate, signal });
        audioSeconds += result.durationSeconds;
        content.push({ type: 'text', text: result.text });
      } catch (error) {
        if (isAudioError(error))
          throw Errors.invalidRequest(`Invalid audio in a message: ${error.message}.`, 'messages');
        throw gatewayErrorOf(provider, LocalVoiceError.from(error), 'input');
      }
    }
    heard.push({ ...message, content });
  }
  return { messages: heard, audioSeconds };
}

/** The request the text model gets: text only, streamed with usage (see `LocalTextModel`). */
export function textRequestOf(request: ChatCompletionRequest, messages: ChatMessage[]): ChatCompletionRequest {
  const { audio: _audio, modalities: _modalities, speed: _speed, ...rest } = request;
  return { ...rest, messages, stream: true, stream_options: { include_usage: true } };
}
