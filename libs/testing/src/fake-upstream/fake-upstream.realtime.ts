import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebSocket } from 'ws';
import { SPEECH_TRANSCRIPT, speechPcm16 } from '../audio/audio-fixtures';
import type { OpenApiValidator } from '../openapi/openapi-validator';

/**
 * What the fake's realtime endpoint does at the next `response.create` (queued with `enqueueRealtime`):
 * - `audio`: the default spoken answer (the vendored speech clip, pcm16 24 kHz, with its transcript);
 * - `functionCall`: one `function_call` item calling `name` with `arguments`;
 * - `error`: an `error` event and a failed `response.done`;
 * - `close`: closes the socket with `code` instead of answering (a provider that drops the session).
 */
export type RealtimeReply =
  | { kind: 'audio' }
  | { kind: 'functionCall'; name: string; arguments: Record<string, unknown>; callId?: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'close'; code: number; reason?: string };

/** One realtime session the fake accepted: its handshake and every client event, in order. */
export interface RecordedRealtimeSession {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  /** Client events as received (parsed JSON; `null` for a frame that was not JSON). */
  readonly events: unknown[];
  closed: { code: number; reason: string } | null;
}

/** Input audio tokens per second and output audio tokens per second the fake reports (OpenAI's order of size). */
export const REALTIME_AUDIO_TOKENS_PER_SECOND = { input: 10, output: 20 } as const;
/** Base64 pcm16 bytes per `response.output_audio.delta` (100 ms at 24 kHz, as OpenAI sends). */
const AUDIO_DELTA_BYTES = 4800;

interface FakeItem {
  id: string;
  type: 'message' | 'function_call' | 'function_call_output';
  role?: string;
  text: string;
  callId?: string;
  name?: string;
}

interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: unknown;
}

const id = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;

/**
 * One session of the fake's `…/realtime` WebSocket, behaving like OpenAI's GA Realtime API on the parts
 * the gateway relies on: `session.created` first; `session.update` → `session.updated` with the full
 * session; `input_audio_buffer.append|commit|clear`; `conversation.item.create|delete`; `response.create`
 * answered with pcm16 24 kHz audio deltas and transcript deltas, or with a function call (queued, or
 * when the last user text names one of the session's tools), and `response.done` with `usage`;
 * `response.cancel`. Manual turns only (commit + `response.create`): with `turn_detection` set, a commit
 * also starts a response when `create_response` is on, as OpenAI's does after its VAD commits.
 *
 * Every client event is checked against the spec's `RealtimeClientEvent` (undeclared keys refused); a
 * violation is recorded and answered with an `error` event, as OpenAI answers a bad event.
 */
export class FakeRealtimeSession {
  private readonly items: FakeItem[] = [];
  private audioBytes = 0;
  private inputAudioMsPending = 0;
  private session: Record<string, unknown>;
  private responding: { id: string; cancelled: boolean } | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly record: RecordedRealtimeSession,
    private readonly validator: OpenApiValidator | undefined,
    private readonly violations: string[],
    private readonly nextReply: () => RealtimeReply | undefined,
    private readonly chunkDelayMs: () => number,
  ) {
    const model = record.query.model ?? record.query.deployment ?? 'gpt-realtime';
    this.session = {
      type: 'realtime',
      object: 'realtime.session',
      id: id('sess'),
      model,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      output_modalities: ['audio'],
      instructions: 'You are a helpful assistant.',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            idle_timeout_ms: null,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
      },
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
    };
    socket.on('message', (data: Buffer) => void this.onMessage(data.toString('utf8')));
    socket.on('close', (code, reason) => (record.closed = { code, reason: reason.toString() }));
    this.send({ type: 'session.created', session: this.session });
  }

  private send(event: Record<string, unknown>): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify({ event_id: id('event'), ...event }));
  }

  private error(code: string, message: string, param: string | null, eventId: string | null): void {
    this.send({ type: 'error', error: { type: 'invalid_request_error', code, message, param, event_id: eventId } });
  }

  private async onMessage(text: string): Promise<void> {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.record.events.push(null);
      this.violations.push('realtime: a client frame is not JSON');
      return this.error('invalid_json', 'The event is not valid JSON.', null, null);
    }
    this.record.events.push(event);
    const eventId = typeof event.event_id === 'string' ? event.event_id : null;
    if (this.validator) {
      const result = this.validator.validate('RealtimeClientEvent', event, { rejectUndeclaredKeys: true });
      if (!result.valid) {
        this.violations.push(`realtime ${String(event.type)}: ${result.errors.join('; ')}`);
        return this.error('invalid_value', `Invalid event: ${result.errors[0] ?? ''}`, null, eventId);
      }
    }
    switch (event.type) {
      case 'session.update':
        this.session = merge(this.session, event.session as Record<string, unknown>);
        return this.send({ type: 'session.updated', session: this.session });
      case 'input_audio_buffer.append':
        this.audioBytes += Buffer.byteLength(String(event.audio), 'base64');
        return;
      case 'input_audio_buffer.clear':
        this.audioBytes = 0;
        return this.send({ type: 'input_audio_buffer.cleared' });
      case 'input_audio_buffer.commit':
        return this.commit(eventId);
      case 'conversation.item.create':
        return this.createItem(event.item as Record<string, unknown>, event.previous_item_id);
      case 'conversation.item.delete': {
        const index = this.items.findIndex((item) => item.id === event.item_id);
        if (index >= 0) this.items.splice(index, 1);
        return this.send({ type: 'conversation.item.deleted', item_id: event.item_id });
      }
      case 'response.create':
        return this.respond(eventId);
      case 'response.cancel':
        if (this.responding) this.responding.cancelled = true;
        return;
      default:
        return this.error('unknown_event', `The fake does not handle '${String(event.type)}'.`, 'type', eventId);
    }
  }

  private commit(eventId: string | null): Promise<void> | void {
    if (this.audioBytes === 0) return this.error('input_audio_buffer_commit_empty', 'Buffer is empty.', null, eventId);
    const item: FakeItem = { id: id('item'), type: 'message', role: 'user', text: '' };
    const previous = this.items.at(-1)?.id ?? null;
    this.items.push(item);
    const committedMs = (this.audioBytes / 48_000) * 1000;
    this.inputAudioMsPending += committedMs;
    this.audioBytes = 0;
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: item.id });
    const wire = {
      id: item.id,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    this.send({ type: 'conversation.item.added', previous_item_id: previous, item: wire });
    this.send({ type: 'conversation.item.done', previous_item_id: previous, item: wire });
    this.transcribe(item.id, committedMs);
    const vad = (this.session.audio as { input: { turn_detection: { create_response?: boolean } | null } }).input
      .turn_detection;
    if (vad?.create_response) return this.respond(null);
  }

  /**
   * With `audio.input.transcription` on, a committed turn is "transcribed" as OpenAI does it: a delta and
   * `…input_audio_transcription.completed` with token usage. The fake hears the speech clip's transcript
   * (`SPEECH_TRANSCRIPT`) whatever was sent.
   */
  private transcribe(itemId: string, ms: number): void {
    const transcription = (this.session.audio as { input: { transcription?: unknown } }).input.transcription;
    if (!transcription) return;
    const ref = { item_id: itemId, content_index: 0 };
    const audioTokens = Math.ceil((ms / 1000) * REALTIME_AUDIO_TOKENS_PER_SECOND.input);
    const textTokens = SPEECH_TRANSCRIPT.split(' ').length;
    this.send({ type: 'conversation.item.input_audio_transcription.delta', ...ref, delta: SPEECH_TRANSCRIPT });
    this.send({
      type: 'conversation.item.input_audio_transcription.completed',
      ...ref,
      transcript: SPEECH_TRANSCRIPT,
      usage: {
        type: 'tokens',
        input_tokens: audioTokens,
        input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
        output_tokens: textTokens,
        total_tokens: audioTokens + textTokens,
      },
    });
  }

  private createItem(item: Record<string, unknown>, previousItemId: unknown): void {
    const itemId = typeof item.id === 'string' ? item.id : id('item');
    const content = Array.isArray(item.content) ? (item.content as Array<Record<string, unknown>>) : [];
    const text = content.map((part) => (typeof part.text === 'string' ? part.text : '')).join(' ');
    const fake: FakeItem = {
      id: itemId,
      type: item.type as FakeItem['type'],
      ...(typeof item.role === 'string' ? { role: item.role } : {}),
      text: item.type === 'function_call_output' ? String(item.output) : text,
      ...(typeof item.call_id === 'string' ? { callId: item.call_id } : {}),
    };
    const previous = typeof previousItemId === 'string' ? previousItemId : (this.items.at(-1)?.id ?? null);
    this.items.push(fake);
    const wire = { ...item, id: itemId, object: 'realtime.item', status: 'completed' };
    this.send({ type: 'conversation.item.added', previous_item_id: previous, item: wire });
    this.send({ type: 'conversation.item.done', previous_item_id: previous, item: wire });
  }

  private async respond(eventId: string | null): Promise<void> {
    if (this.responding) {
      return this.error(
        'conversation_already_has_active_response',
        'Conversation already has an active response in progress.',
        null,
        eventId,
      );
    }
    const reply = this.nextReply() ?? this.defaultReply();
    if (reply.kind === 'close') {
      this.socket.close(reply.code, reply.reason ?? '');
      return;
    }
    const responseId = id('resp');
    this.responding = { id: responseId, cancelled: false };
    const base = {
      id: responseId,
      object: 'realtime.response',
      conversation_id: 'conv_fake',
      output_modalities: this.session.output_modalities,
      max_output_tokens: 'inf',
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: voiceOf(this.session) } },
      metadata: null,
    };
    this.send({ type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
    // As OpenAI does at a response's start: the provider account's limits (never the gateway tenant's).
    this.send({
      type: 'rate_limits.updated',
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
        { name: 'tokens', limit: 800000, remaining: 799000, reset_seconds: 0.075 },
      ],
    });
    const output: Record<string, unknown>[] = [];
    let outputAudioSeconds = 0;
    let outputText = '';
    if (reply.kind === 'error') {
      this.send({
        type: 'error',
        error: { type: 'server_error', code: reply.code, message: reply.message, param: null, event_id: null },
      });
      this.responding = null;
      this.send({
        type: 'response.done',
        response: { ...base, status: 'failed', status_details: { type: 'failed' }, output: [] },
      });
      return;
    }
    const previous = this.items.at(-1)?.id ?? null;
    if (reply.kind === 'functionCall') {
      const args = JSON.stringify(reply.arguments);
      const item = {
        id: id('item'),
        object: 'realtime.item',
        type: 'function_call',
        status: 'in_progress',
        call_id: reply.callId ?? id('call'),
        name: reply.name,
        arguments: '',
      };
      this.items.push({ id: item.id, type: 'function_call', text: args, callId: item.call_id, name: reply.name });
      const ref = { response_id: responseId, item_id: item.id, output_index: 0, call_id: item.call_id };
      this.send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item });
      this.send({ type: 'conversation.item.added', previous_item_id: previous, item });
      this.send({ type: 'response.function_call_arguments.delta', ...ref, delta: args });
      this.send({ type: 'response.function_call_arguments.done', ...ref, name: reply.name, arguments: args });
      const done = { ...item, status: 'completed', arguments: args };
      this.send({ type: 'conversation.item.done', previous_item_id: previous, item: done });
      this.send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
      output.push(done);
      outputText = args;
    } else {
      const itemId = id('item');
      const audio = this.session.output_modalities instanceof Array && this.session.output_modalities[0] === 'audio';
      const item = {
        id: itemId,
        object: 'realtime.item',
        type: 'message',
        status: 'in_progress',
        role: 'assistant',
        content: [] as unknown[],
      };
      this.items.push({ id: itemId, type: 'message', role: 'assistant', text: SPEECH_TRANSCRIPT });
      const ref = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
      this.send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item });
      this.send({ type: 'conversation.item.added', previous_item_id: previous, item });
      this.send({
        type: 'response.content_part.added',
        ...ref,
        part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
      });
      const words = SPEECH_TRANSCRIPT.split(/(?<= )/);
      if (audio) {
        const pcm = speechPcm16();
        for (let at = 0, word = 0; at < pcm.length; at += AUDIO_DELTA_BYTES, word++) {
          if (this.responding.cancelled) break;
          const delay = this.chunkDelayMs();
          if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
          const chunk = pcm.subarray(at, at + AUDIO_DELTA_BYTES);
          outputAudioSeconds += chunk.length / 48_000;
          this.send({ type: 'response.output_audio.delta', ...ref, delta: chunk.toString('base64') });
          const next = words[word];
          if (next !== undefined) {
            outputText += next;
            this.send({ type: 'response.output_audio_transcript.delta', ...ref, delta: next });
          }
        }
        this.send({ type: 'response.output_audio.done', ...ref });
        this.send({ type: 'response.output_audio_transcript.done', ...ref, transcript: outputText });
        this.send({ type: 'response.content_part.done', ...ref, part: { type: 'audio', transcript: outputText } });
      } else {
        for (const word of words) {
          outputText += word;
          this.send({ type: 'response.output_text.delta', ...ref, delta: word });
        }
        this.send({ type: 'response.output_text.done', ...ref, text: outputText });
        this.send({ type: 'response.content_part.done', ...ref, part: { type: 'text', text: outputText } });
      }
      const content = audio
        ? [{ type: 'output_audio', transcript: outputText }]
        : [{ type: 'output_text', text: outputText }];
      const cancelled = this.responding.cancelled;
      const done = { ...item, status: cancelled ? 'incomplete' : 'completed', content };
      this.send({ type: 'conversation.item.done', previous_item_id: previous, item: done });
      this.send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
      output.push(done);
    }
    const cancelled = this.responding.cancelled;
    this.responding = null;
    const inputText = Math.ceil(
      (String(this.session.instructions).length + this.items.reduce((sum, item) => sum + item.text.length, 0)) / 4,
    );
    const inputAudio = Math.ceil((this.inputAudioMsPending / 1000) * REALTIME_AUDIO_TOKENS_PER_SECOND.input);
    this.inputAudioMsPending = 0;
    const outputAudio = Math.ceil(outputAudioSeconds * REALTIME_AUDIO_TOKENS_PER_SECOND.output);
    const outputTextTokens = Math.ceil(outputText.length / 4);
    const usage = {
      total_tokens: inputText + inputAudio + outputAudio + outputTextTokens,
      input_tokens: inputText + inputAudio,
      output_tokens: outputAudio + outputTextTokens,
      input_token_details: { text_tokens: inputText, audio_tokens: inputAudio, cached_tokens: 0 },
      output_token_details: { text_tokens: outputTextTokens, audio_tokens: outputAudio },
    };
    this.send({
      type: 'response.done',
      response: {
        ...base,
        status: cancelled ? 'cancelled' : 'completed',
        ...(cancelled ? { status_details: { type: 'cancelled', reason: 'client_cancelled' } } : {}),
        output,
        usage,
      },
    });
  }

  /** A function call when the last item is user text naming a session tool (and no output followed). */
  private defaultReply(): RealtimeReply {
    const last = this.items.at(-1);
    const tools = (this.session.tools as FunctionTool[] | undefined) ?? [];
    if (last?.type === 'message' && last.role === 'user') {
      const named = tools.find((tool) => last.text.includes(tool.name));
      if (named) return { kind: 'functionCall', name: named.name, arguments: {} };
    }
    return { kind: 'audio' };
  }
}

function voiceOf(session: Record<string, unknown>): string {
  return (session.audio as { output: { voice: string } }).output.voice;
}

/** `session.update` semantics: objects merge, everything else (arrays included) is replaced. */
function merge(into: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(update)) {
    const current = out[key];
    out[key] =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
