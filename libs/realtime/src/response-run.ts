import type { ChatCompletionChunk, Usage } from '@voxgate/openai-wire';
import type { Conversation } from './conversation';
import type { IdGenerator } from './ids';
import type { ConversationItemObject, ResponseObject, ResponseUsage, ServerEvent } from './server-events';

type MessageItem = Extract<ConversationItemObject, { type: 'message' }>;
type CallItem = Extract<ConversationItemObject, { type: 'function_call' }>;

/**
 * Maps one streamed chat completion onto the realtime events of one response (spec flow: item added,
 * content part added, audio + transcript deltas, the `.done` events, item done) and records the output
 * items in the conversation. Audio answers become an assistant `message` with one `output_audio` part;
 * text answers one `output_text` part; tool calls `function_call` items. `finish()` closes every open
 * item with the response's final status and builds `response.done`.
 */
export class ResponseRun {
  private message: { item: MessageItem; outputIndex: number } | null = null;
  private readonly calls = new Map<number, { item: CallItem; outputIndex: number }>();
  private readonly output: ConversationItemObject[] = [];
  private usage: ResponseUsage | null = null;
  /** `previous_item_id` of each output item, as announced in `conversation.item.added`. */
  private readonly previousOf = new Map<string, string | null>();
  private text = '';
  lengthLimited = false;

  constructor(
    readonly response: ResponseObject,
    private readonly conversation: Conversation,
    private readonly emit: (event: ServerEvent) => void,
    private readonly newId: IdGenerator,
    /** Milliseconds of audio per decoded byte of the output format (pcm16 24 kHz: 1/48). */
    private readonly msPerByte: number,
  ) {}

  get audio(): boolean {
    return this.response.output_modalities[0] === 'audio';
  }

  /** Applies one chunk. */
  push(chunk: ChatCompletionChunk): void {
    if (chunk.usage) this.usage = mapUsage(chunk.usage);
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const delta = choice.delta;
      const transcript = delta.audio?.transcript ?? (this.audio ? delta.content : undefined);
      if (this.audio && transcript) this.delta('response.output_audio_transcript.delta', transcript);
      if (this.audio && delta.audio?.data) {
        const ref = this.ensureMessage();
        this.conversation.addAudioMs(ref.item.id, Buffer.byteLength(delta.audio.data, 'base64') * this.msPerByte);
        this.delta('response.output_audio.delta', delta.audio.data);
      }
      if (!this.audio && delta.content) this.delta('response.output_text.delta', delta.content);
      for (const call of delta.tool_calls ?? [])
        this.toolCallDelta(call.index, call.id, call.function?.name, call.function?.arguments);
      if (choice.finish_reason === 'length') this.lengthLimited = true;
    }
  }

  /** Closes open items and returns `response.done`'s response with `status`. */
  finish(status: ResponseObject['status'], details: ResponseObject['status_details']): ResponseObject {
    const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
    if (this.message) this.closeMessage(this.message, itemStatus);
    for (const ref of this.calls.values()) {
      ref.item.status = itemStatus;
      if (status === 'completed') {
        const { id: item_id, call_id, name, arguments: args } = ref.item;
        this.emit({
          type: 'response.function_call_arguments.done',
          response_id: this.response.id,
          item_id,
          output_index: ref.outputIndex,
          call_id,
          name,
          arguments: args,
        });
      }
      this.emit({
        type: 'conversation.item.done',
        previous_item_id: this.previousOf.get(ref.item.id) ?? null,
        item: structuredClone(ref.item),
      });
      this.emit({
        type: 'response.output_item.done',
        response_id: this.response.id,
        output_index: ref.outputIndex,
        item: structuredClone(ref.item),
      });
    }
    const done: ResponseObject = { ...this.response, status, output: this.output.map((item) => structuredClone(item)) };
    if (details) done.status_details = details;
    if (this.usage) done.usage = this.usage;
    return done;
  }

  private delta(
    type: 'response.output_audio_transcript.delta' | 'response.output_audio.delta' | 'response.output_text.delta',
    delta: string,
  ): void {
    const ref = this.ensureMessage();
    const part = ref.item.content[0];
    if (part?.type === 'output_audio' && type === 'response.output_audio_transcript.delta') part.transcript += delta;
    if (part?.type === 'output_text' && type === 'response.output_text.delta') part.text += delta;
    if (type !== 'response.output_audio.delta') this.text += delta;
    this.emit({
      type,
      response_id: this.response.id,
      item_id: ref.item.id,
      output_index: ref.outputIndex,
      content_index: 0,
      delta,
    });
  }

  private ensureMessage(): { item: MessageItem; outputIndex: number } {
    if (this.message) return this.message;
    const item: MessageItem = {
      id: this.newId('item'),
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    const outputIndex = this.addOutput(item);
    this.message = { item, outputIndex };
    const part = this.audio ? ({ type: 'audio', transcript: '' } as const) : ({ type: 'text', text: '' } as const);
    item.content.push(this.audio ? { type: 'output_audio', transcript: '' } : { type: 'output_text', text: '' });
    this.emit({
      type: 'response.content_part.added',
      response_id: this.response.id,
      item_id: item.id,
      output_index: outputIndex,
      content_index: 0,
      part,
    });
    return this.message;
  }

  private toolCallDelta(
    index: number,
    callId: string | undefined,
    name: string | undefined,
    args: string | undefined,
  ): void {
    let ref = this.calls.get(index);
    if (!ref) {
      const item: CallItem = {
        id: this.newId('item'),
        object: 'realtime.item',
        type: 'function_call',
        status: 'in_progress',
        call_id: callId ?? this.newId('item').replace('item_', 'call_'),
        name: name ?? '',
        arguments: '',
      };
      ref = { item, outputIndex: this.addOutput(item) };
      this.calls.set(index, ref);
    } else if (name && !ref.item.name) ref.item.name = name;
    if (args) {
      ref.item.arguments += args;
      this.emit({
        type: 'response.function_call_arguments.delta',
        response_id: this.response.id,
        item_id: ref.item.id,
        output_index: ref.outputIndex,
        call_id: ref.item.call_id,
        delta: args,
      });
    }
  }

  private addOutput(item: ConversationItemObject): number {
    const outputIndex = this.output.length;
    this.output.push(item);
    const previous = this.conversation.insert(item);
    this.previousOf.set(item.id, previous);
    this.emit({
      type: 'response.output_item.added',
      response_id: this.response.id,
      output_index: outputIndex,
      item: structuredClone(item),
    });
    this.emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) });
    return outputIndex;
  }

  private closeMessage(ref: { item: MessageItem; outputIndex: number }, status: 'completed' | 'incomplete'): void {
    const { item, outputIndex } = ref;
    const ids = { response_id: this.response.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    const part = item.content[0];
    if (part?.type === 'output_audio') {
      this.emit({ type: 'response.output_audio.done', ...ids });
      this.emit({ type: 'response.output_audio_transcript.done', ...ids, transcript: part.transcript });
      this.emit({ type: 'response.content_part.done', ...ids, part: { type: 'audio', transcript: part.transcript } });
    } else if (part?.type === 'output_text') {
      this.emit({ type: 'response.output_text.done', ...ids, text: part.text });
      this.emit({ type: 'response.content_part.done', ...ids, part: { type: 'text', text: part.text } });
    }
    item.status = status;
    this.emit({
      type: 'conversation.item.done',
      previous_item_id: this.previousOf.get(item.id) ?? null,
      item: structuredClone(item),
    });
    this.emit({
      type: 'response.output_item.done',
      response_id: this.response.id,
      output_index: outputIndex,
      item: structuredClone(item),
    });
  }
}

/** Chat-completions usage → realtime `response.usage`. */
export function mapUsage(usage: Usage): ResponseUsage {
  const inputAudio = usage.prompt_tokens_details?.audio_tokens ?? 0;
  const outputAudio = usage.completion_tokens_details?.audio_tokens ?? 0;
  return {
    total_tokens: usage.total_tokens,
    input_tokens: usage.prompt_tokens,
    output_tokens: usage.completion_tokens,
    input_token_details: {
      text_tokens: usage.prompt_tokens_details?.text_tokens ?? Math.max(0, usage.prompt_tokens - inputAudio),
      audio_tokens: inputAudio,
      cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    },
    output_token_details: {
      text_tokens: usage.completion_tokens_details?.text_tokens ?? Math.max(0, usage.completion_tokens - outputAudio),
      audio_tokens: outputAudio,
    },
  };
}
