import type { ChatMessage } from '@voxgate/openai-wire';
import {
  type ConversationItemObject,
  EARLIER_VOICE_MESSAGE,
  type ItemAudio,
  type MessageContent,
  randomId,
} from '@voxgate/realtime';
import { InputTranscriptStore, type LoadSessionHistory } from '@voxgate/sessions';

/** One item of a resumed realtime conversation, with the user audio it carries. */
export interface RestoredItem {
  readonly item: ConversationItemObject;
  readonly audio?: Map<number, ItemAudio>;
}

/**
 * A realtime conversation resumed from the session store (`session_id` at connect): the stored turns
 * (those earlier sockets stored, or `X-Session-Id` requests over HTTP) as realtime items, oldest first.
 * User audio stored as 16-bit mono WAV (what realtime turns store) comes back as audio; audio in another
 * format, or no longer stored, as `EARLIER_VOICE_MESSAGE`; assistant answers as their text or transcript;
 * tool calls and results as `function_call` / `function_call_output` items. User audio whose input
 * transcription is in `transcripts` comes back with it as the part's `transcript`, so beyond the history's
 * audio budget it reaches the model as that text.
 */
export async function loadStoredConversation(
  history: LoadSessionHistory,
  tenantId: string,
  sessionId: string,
  transcripts?: InputTranscriptStore,
): Promise<RestoredItem[]> {
  const turns = await history.execute(tenantId, sessionId);
  const items: RestoredItem[] = [];
  for (const turn of turns) {
    turn.full.forEach((message, index) => items.push(...itemsOf(message, turn.compact[index] ?? message)));
  }
  if (transcripts) await restoreTranscripts(items, transcripts, tenantId, sessionId);
  return items;
}

/** Sets the stored transcript on each restored user audio part that has one. */
async function restoreTranscripts(
  items: RestoredItem[],
  transcripts: InputTranscriptStore,
  tenantId: string,
  sessionId: string,
): Promise<void> {
  const parts: Array<{ part: Extract<MessageContent, { type: 'input_audio' }>; key: string }> = [];
  for (const { item, audio } of items) {
    if (item.type !== 'message' || !audio) continue;
    for (const [index, clip] of audio) {
      const part = item.content[index];
      if (part?.type === 'input_audio') {
        parts.push({ part, key: InputTranscriptStore.audioKey(clip.samples, clip.sampleRate) });
      }
    }
  }
  const found = await transcripts.get(
    tenantId,
    sessionId,
    parts.map(({ key }) => key),
  );
  parts.forEach(({ part }, index) => (part.transcript = found[index] ?? null));
}

function itemsOf(full: ChatMessage, compact: ChatMessage): RestoredItem[] {
  if (full.role === 'user') return [userItem(full)];
  if (compact.role === 'assistant') {
    const items: RestoredItem[] = [];
    const text = textOf(compact.content);
    if (text) items.push({ item: message('assistant', [{ type: 'output_text', text }]) });
    for (const call of compact.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      items.push({
        item: {
          id: randomId('item'),
          object: 'realtime.item',
          type: 'function_call',
          status: 'completed',
          call_id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        },
      });
    }
    return items;
  }
  if (compact.role === 'tool') {
    return [
      {
        item: {
          id: randomId('item'),
          object: 'realtime.item',
          type: 'function_call_output',
          status: 'completed',
          call_id: compact.tool_call_id,
          output: textOf(compact.content),
        },
      },
    ];
  }
  return [];
}

function userItem(user: Extract<ChatMessage, { role: 'user' }>): RestoredItem {
  if (typeof user.content === 'string') return { item: message('user', [{ type: 'input_text', text: user.content }]) };
  const content: MessageContent[] = [];
  const audio = new Map<number, ItemAudio>();
  for (const part of user.content) {
    if (part.type === 'text') content.push({ type: 'input_text', text: part.text });
    else if (part.type === 'input_audio') {
      const decoded = part.input_audio.format === 'wav' ? pcm16Wav(Buffer.from(part.input_audio.data, 'base64')) : null;
      if (decoded) {
        audio.set(content.length, decoded);
        content.push({ type: 'input_audio', transcript: null });
      } else content.push({ type: 'input_text', text: EARLIER_VOICE_MESSAGE });
    }
  }
  return { item: message('user', content), audio };
}

function message(role: 'user' | 'assistant', content: MessageContent[]): ConversationItemObject {
  return { id: randomId('item'), object: 'realtime.item', type: 'message', status: 'completed', role, content };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

/** Samples of a mono 16-bit PCM WAV (what `encodeWav` writes); null for anything else. */
export function pcm16Wav(bytes: Buffer): ItemAudio | null {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE')
    return null;
  let sampleRate = 0;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ' && body + 16 <= bytes.length) {
      const pcm = bytes.readUInt16LE(body) === 1;
      const mono = bytes.readUInt16LE(body + 2) === 1;
      const bits = bytes.readUInt16LE(body + 14);
      if (!pcm || !mono || bits !== 16) return null;
      sampleRate = bytes.readUInt32LE(body + 4);
    } else if (id === 'data' && sampleRate > 0) {
      const end = Math.min(bytes.length, body + size);
      const samples = new Int16Array(Math.floor((end - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(body + i * 2);
      return { samples, sampleRate };
    }
    at = body + size + (size % 2);
  }
  return null;
}
