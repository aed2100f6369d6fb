import { parseWav } from '../audio/wav.format';
import { PCM16_BYTES_PER_SECOND } from '../audio/audio-fixtures';

/** The parts of a chat completion request that shape the fake's answer, read leniently. */
export interface ChatRequestView {
  model: string;
  stream: boolean;
  /** `stream_options.include_usage` */
  includeUsage: boolean;
  /** `stream_options.include_obfuscation`, which OpenAI defaults to true. */
  includeObfuscation: boolean;
  /** `modalities` includes `"audio"`. */
  wantsAudio: boolean;
  /** `audio.format`, if given. */
  audioFormat: string | undefined;
  /** Characters of text in all messages. */
  promptTextChars: number;
  /** Seconds of each `input_audio` part. */
  promptAudioSeconds: number[];
}

export function readChatRequest(body: unknown): ChatRequestView {
  const request = isRecord(body) ? body : {};
  const streamOptions = isRecord(request['stream_options']) ? request['stream_options'] : {};
  const audio = isRecord(request['audio']) ? request['audio'] : {};
  const modalities = Array.isArray(request['modalities']) ? request['modalities'] : [];
  const view: ChatRequestView = {
    model: typeof request['model'] === 'string' ? request['model'] : 'gpt-4o-audio-preview-2025-06-03',
    stream: request['stream'] === true,
    includeUsage: streamOptions['include_usage'] === true,
    includeObfuscation: streamOptions['include_obfuscation'] !== false,
    wantsAudio: modalities.includes('audio'),
    audioFormat: typeof audio['format'] === 'string' ? audio['format'] : undefined,
    promptTextChars: 0,
    promptAudioSeconds: [],
  };
  for (const message of Array.isArray(request['messages']) ? request['messages'] : []) {
    const content = isRecord(message) ? message['content'] : undefined;
    if (typeof content === 'string') view.promptTextChars += content.length;
    for (const part of Array.isArray(content) ? content : []) readPart(part, view);
  }
  return view;
}

function readPart(part: unknown, view: ChatRequestView): void {
  if (!isRecord(part)) return;
  if (typeof part['text'] === 'string') view.promptTextChars += part['text'].length;
  const inputAudio = part['input_audio'];
  if (isRecord(inputAudio) && typeof inputAudio['data'] === 'string') {
    view.promptAudioSeconds.push(estimateAudioSeconds(Buffer.from(inputAudio['data'], 'base64')));
  }
}

/** Duration from the WAV header when there is one; otherwise as if it were 24 kHz pcm16. */
export function estimateAudioSeconds(audio: Buffer): number {
  return parseWav(audio)?.durationSeconds ?? audio.length / PCM16_BYTES_PER_SECOND;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
