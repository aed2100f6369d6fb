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
  /** Already in the session store (a turn that carried it was stored, or it was loaded from there). */
  stored: boolean;
  /** The request id of the stored turn that holds it, when this socket stored it (not for restored items). */
  storedTurnId?: string;
}

/** Stands in for earlier user audio beyond the history's audio budget when the item has no transcript. */
export const EARLIER_VOICE_MESSAGE = '[earlier voice message]';

/** Size of the WAV (16-bit mono, 44-byte header) that carries `audio` to the model. */
export function wavBytes(audio: ItemAudio): number {
  return 44 + audio.samples.length * 2;
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
    this.entries.splice(index, 0, { item, audio, audioMs: 0, stored: false });
    const previous = this.entries[index - 1]?.item.id ?? null;
    while (this.entries.length > this.maxItems) this.entries.shift();
    return previous;
  }

  delete(id: string): void {
    const at = this.entries.findIndex((entry) => entry.item.id === id);
    if (at < 0) throw new ConversationError('item_not_found', `Item '${id}' does not exist.`, 'item_id');
    this.entries.splice(at, 1);
  }

  /**
   * Sets the transcript of a user `input_audio` part (input audio transcription); an item deleted or
   * dropped meanwhile is ignored. Beyond the audio budget, `toMessages` sends it instead of the audio.
   */
  setTranscript(id: string, contentIndex: number, transcript: string): void {
    const item = this.entries.find((entry) => entry.item.id === id)?.item;
    const part = item?.type === 'message' ? item.content[contentIndex] : undefined;
    if (part?.type === 'input_audio') part.transcript = transcript;
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

  /**
   * The conversation as chat-completions messages, `instructions` first.
   *
   * `audioBudgetBytes` bounds the user audio a request carries: walking back from the newest user item,
   * user audio goes as audio (WAV) while the WAVs so far fit in the budget (the newest always does);
   * older user audio goes as its transcript when the item has one, else as `EARLIER_VOICE_MESSAGE`. The
   * request therefore stays under a fixed size however long the conversation runs (ADR 0013).
   */
  toMessages(instructions: string, audioBudgetBytes = Number.POSITIVE_INFINITY): TurnMessage[] {
    const messages: TurnMessage[] = instructions ? [{ role: 'system', content: instructions }] : [];
    const asAudio = this.audioWithin(audioBudgetBytes);
    return [...messages, ...this.messagesOf(this.entries, asAudio)];
  }

  /**
   * The items not yet in the session store, as chat-completions messages with their audio in full (the
   * store moves it to its audio store and keeps a reference), and their ids.
   */
  unstored(): { ids: string[]; messages: TurnMessage[] } {
    const entries = this.entries.filter((entry) => !entry.stored);
    return { ids: entries.map((entry) => entry.item.id), messages: this.messagesOf(entries, () => true) };
  }

  /**
   * Marks items as stored (ids no longer in the conversation are ignored), in the stored turn
   * `storedTurnId` (its request id) when the runner told it.
   */
  markStored(ids: readonly string[], storedTurnId?: string): void {
    const set = new Set(ids);
    for (const entry of this.entries) {
      if (!set.has(entry.item.id)) continue;
      entry.stored = true;
      if (storedTurnId !== undefined) entry.storedTurnId = storedTurnId;
    }
  }

  /** The request id of the stored turn holding the item, if this socket stored it (see `markStored`). */
  storedTurnOf(id: string): string | undefined {
    return this.entries.find((entry) => entry.item.id === id)?.storedTurnId;
  }

  /**
   * Appends an item loaded from the session store (a resumed conversation): marked stored, announced to
   * nobody (the client resumed it).
   */
  restore(item: ConversationItemObject, audio: Map<number, ItemAudio> = new Map()): void {
    this.insert(item, audio);
    const entry = this.entries.at(-1);
    if (entry?.item.id === item.id) entry.stored = true;
  }

  /** Which user audio parts fit the budget, newest first (the newest always). */
  private audioWithin(budget: number): (audio: ItemAudio) => boolean {
    const kept = new Set<ItemAudio>();
    let used = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      if (!entry || entry.item.type !== 'message' || entry.item.role !== 'user') continue;
      for (const audio of entry.audio.values()) {
        if (audio.samples.length === 0) continue;
        const bytes = wavBytes(audio);
        if (kept.size > 0 && used + bytes > budget) return (candidate) => kept.has(candidate);
        kept.add(audio);
        used += bytes;
      }
    }
    return (candidate) => kept.has(candidate);
  }

  private messagesOf(entries: readonly Entry[], asAudio: (audio: ItemAudio) => boolean): TurnMessage[] {
    const messages: TurnMessage[] = [];
    for (const { item, audio } of entries) {
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
        const parts = item.content.flatMap((part, index) => userPart(part, audio.get(index), asAudio));
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
  asAudio: (audio: ItemAudio) => boolean,
): Array<{ type: 'text'; text: string } | { type: 'input_audio'; input_audio: { data: string; format: 'wav' } }> {
  if (part.type === 'input_text') return [{ type: 'text', text: part.text }];
  if (part.type === 'input_audio' && audio && audio.samples.length > 0) {
    if (!asAudio(audio)) return [{ type: 'text', text: part.transcript || EARLIER_VOICE_MESSAGE }];
    const wav = encodeWav({ samples: audio.samples, sampleRate: audio.sampleRate });
    return [{ type: 'input_audio', input_audio: { data: Buffer.from(wav).toString('base64'), format: 'wav' } }];
  }
  if (part.type === 'input_audio' && part.transcript) return [{ type: 'text', text: part.transcript }];
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
