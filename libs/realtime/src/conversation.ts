import { encodeWav } from '@voxgate/audio';
import type { ConversationItemObject, MessageContent } from './server-events';
import type { TurnMessage } from './turn-runner';

/** User audio kept for the history: mono 16-bit PCM at its rate. */
export interface ItemAudio {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

interface Entry {
  item: ConversationItemObject;
  /** Audio of a user `input_audio` part, per content index. */
  audio: Map<number, ItemAudio>;
  /** Milliseconds of assistant audio produced for this item (for truncation). */
  audioMs: number;
}

/** Why a conversation operation was refused; becomes an `error` event. */
export class ConversationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The session's conversation: items in order, with ids, the user audio they carry, and how much
 * assistant audio each answer produced. Bounded by `maxItems`: beyond it the oldest items are dropped
 * from the history (OpenAI truncates old context the same way).
 */
export class Conversation {
  private readonly entries: Entry[] = [];

  constructor(private readonly maxItems = 200) {}

  get lastItemId(): string | null {
    return this.entries.at(-1)?.item.id ?? null;
  }

  has(id: string): boolean {
    return this.entries.some((entry) => entry.item.id === id);
  }

  get(id: string): ConversationItemObject {
    return this.entry(id).item;
  }

  /** Inserts `item` after `previousItemId` (`null`/absent: at the end, `'root'`: first); returns the id before it. */
  insert(
    item: ConversationItemObject,
    audio: Map<number, ItemAudio> = new Map(),
    previousItemId?: string | null,
  ): string | null {
    if (this.has(item.id))
      throw new ConversationError('item_already_exists', `Item '${item.id}' already exists.`, 'item.id');
    let index = this.entries.length;
    if (previousItemId === 'root') index = 0;
    else if (previousItemId) {
      const at = this.entries.findIndex((entry) => entry.item.id === previousItemId);
      if (at < 0)
        throw new ConversationError('item_not_found', `Item '${previousItemId}' does not exist.`, 'previous_item_id');
      index = at + 1;
    }
    this.entries.splice(index, 0, { item, audio, audioMs: 0 });
    const previous = this.entries[index - 1]?.item.id ?? null;
    while (this.entries.length > this.maxItems) this.entries.shift();
    return previous;
  }

  delete(id: string): void {
    const at = this.entries.findIndex((entry) => entry.item.id === id);
    if (at < 0) throw new ConversationError('item_not_found', `Item '${id}' does not exist.`, 'item_id');
    this.entries.splice(at, 1);
  }

  /** Counts assistant audio produced for `id`. */
  addAudioMs(id: string, ms: number): void {
    this.entry(id).audioMs += ms;
  }

  /**
   * `conversation.item.truncate`: keeps only what the client played of an assistant audio answer. The
   * audio is cut at `audioEndMs`; the transcript, which has no timings, is cut at the word boundary
   * nearest the same share of its length (an estimate; OpenAI drops the transcript instead).
   */
  truncate(id: string, contentIndex: number, audioEndMs: number): void {
    const entry = this.entry(id);
    const item = entry.item;
    const part = item.type === 'message' && item.role === 'assistant' ? item.content[contentIndex] : undefined;
    if (!part || part.type !== 'output_audio') {
      throw new ConversationError(
        'invalid_value',
        `Item '${id}' has no assistant audio at content_index ${contentIndex}.`,
        'content_index',
      );
    }
    if (item.status === 'in_progress') {
      throw new ConversationError(
        'invalid_value',
        `Item '${id}' is still being generated; cancel the response first.`,
        'item_id',
      );
    }
    if (audioEndMs > entry.audioMs) {
      throw new ConversationError(
        'invalid_value',
        `audio_end_ms ${audioEndMs} is beyond the item's ${Math.round(entry.audioMs)} ms of audio.`,
        'audio_end_ms',
      );
    }
    const share = entry.audioMs === 0 ? 0 : audioEndMs / entry.audioMs;
    part.transcript = cutAtWord(part.transcript, share);
    entry.audioMs = audioEndMs;
  }

  /** The conversation as chat-completions messages, `instructions` first. */
  toMessages(instructions: string): TurnMessage[] {
    const messages: TurnMessage[] = instructions ? [{ role: 'system', content: instructions }] : [];
    for (const { item, audio } of this.entries) {
      if (item.type === 'function_call') {
        const call = {
          id: item.call_id,
          type: 'function' as const,
          function: { name: item.name, arguments: item.arguments },
        };
        const last = messages.at(-1);
        if (last?.role === 'assistant' && last.tool_calls) last.tool_calls.push(call);
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      } else if (item.type === 'function_call_output') {
        messages.push({ role: 'tool', content: item.output, tool_call_id: item.call_id });
      } else if (item.role === 'user') {
        const parts = item.content.flatMap((part, index) => userPart(part, audio.get(index)));
        if (parts.length > 0) messages.push({ role: 'user', content: parts });
      } else {
        const text = item.content.map(textOf).join('');
        if (item.role === 'system') messages.push({ role: 'system', content: text });
        else if (text) messages.push({ role: 'assistant', content: text });
      }
    }
    return messages;
  }

  private entry(id: string): Entry {
    const found = this.entries.find((entry) => entry.item.id === id);
    if (!found) throw new ConversationError('item_not_found', `Item '${id}' does not exist.`, 'item_id');
    return found;
  }
}

function userPart(
  part: MessageContent,
  audio: ItemAudio | undefined,
): Array<{ type: 'text'; text: string } | { type: 'input_audio'; input_audio: { data: string; format: 'wav' } }> {
  if (part.type === 'input_text') return [{ type: 'text', text: part.text }];
  if (part.type === 'input_audio' && audio && audio.samples.length > 0) {
    const wav = encodeWav({ samples: audio.samples, sampleRate: audio.sampleRate });
    return [{ type: 'input_audio', input_audio: { data: Buffer.from(wav).toString('base64'), format: 'wav' } }];
  }
  return [];
}

function textOf(part: MessageContent): string {
  if (part.type === 'input_text' || part.type === 'output_text') return part.text;
  if (part.type === 'output_audio') return part.transcript;
  return part.transcript ?? '';
}

function cutAtWord(text: string, share: number): string {
  if (share >= 1) return text;
  const target = Math.round(text.length * share);
  if (target <= 0) return '';
  const space = text.lastIndexOf(' ', target);
  return (space > 0 ? text.slice(0, space) : text.slice(0, target)).trimEnd();
}
