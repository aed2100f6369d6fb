import type { ClientEvent, ItemCreate, ResponseCreateParams } from './client-events';
import { Conversation, ConversationError, type ItemAudio } from './conversation';
import { type IdGenerator, randomId } from './ids';
import { InputTranscriptionRuns } from './input-transcription-runs';
import { AppendError, InputAudioBuffer, sampleRateOf } from './input-audio-buffer';
import { parseClientEvent } from './parse-client-event';
import { ResponseRun } from './response-run';
import type {
  ConversationItemObject,
  MessageContent,
  RealtimeErrorDetail,
  RealtimeSessionObject,
  ResponseObject,
  ServerEvent,
} from './server-events';
import { detectorSettingsOf } from './semantic-vad';
import { ServerVadDetector } from './server-vad';
import { applySessionUpdate, defaultSession, normalizeFormat } from './session-config';
import type { TurnDetector, TurnDetectorFactory } from './turn-detector';
import { type RateLimit, type ToolRunSummary, toolRunsOf, withToolRuns } from './turn-report';
import type { TurnAudioFormat } from './turn-runner';
import type { RealtimeSessionOptions } from './realtime-session.options';
import { detailOf } from './realtime-error-detail';

export type { RealtimeSessionOptions } from './realtime-session.options';

interface ActiveResponse {
  readonly id: string;
  readonly controller: AbortController;
  cancelReason: 'turn_detected' | 'client_cancelled' | null;
  done: Promise<void>;
}

/**
 * One realtime session over the bridge: the effective config, the input audio buffer with server VAD,
 * the conversation, and at most one response in flight. Transport-free: the gateway feeds it text frames
 * (`handle`) and writes out what it emits. Client events are handled one at a time in arrival order; a
 * response streams concurrently, so `response.cancel` and barge-in reach it while it runs.
 *
 * Never throws at the caller: every client mistake becomes an `error` event and the session stays usable.
 */
export class RealtimeSession {
  private config: RealtimeSessionObject;
  private readonly buffer: InputAudioBuffer;
  private readonly conversation = new Conversation();
  private vad: TurnDetector | null = null;
  private speechItemId: string | null = null;
  private speechStartMs = 0;
  private active: ActiveResponse | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private inputStopped = false;
  private readonly newId: IdGenerator;
  private readonly conversationId: string;
  private readonly transcriptions: InputTranscriptionRuns | null;

  constructor(private readonly options: RealtimeSessionOptions) {
    this.newId = options.newId ?? randomId;
    this.transcriptions = options.transcriber
      ? new InputTranscriptionRuns({
          transcriber: options.transcriber,
          keyId: options.keyId,
          sessionId: options.sessionId ?? null,
          send: (event) => this.send(event),
          setTranscript: (id, index, transcript) => this.conversation.setTranscript(id, index, transcript),
        })
      : null;
    const now = options.now ?? Date.now;
    this.conversationId = this.newId('conv');
    const defaults = defaultSession(
      this.newId('sess'),
      options.model,
      Math.floor(now() / 1000) + options.lifetimeSeconds,
    );
    this.config = options.initialSession ? applySessionUpdate(defaults, options.initialSession) : defaults;
    this.buffer = new InputAudioBuffer(this.config.audio.input.format, options.maxBufferSeconds * 24000);
    this.resetVad();
    for (const { item, audio } of options.restored ?? []) this.conversation.restore(item, audio);
  }

  get session(): RealtimeSessionObject {
    return this.config;
  }

  get responding(): boolean {
    return this.active !== null;
  }

  /** Sends `session.created`; call once, first. */
  start(): void {
    this.send({ type: 'session.created', session: this.config });
  }

  /** Queues one text frame from the client; resolves when it has been handled. */
  handle(text: string): Promise<void> {
    this.queue = this.queue.then(() => this.dispatch(text)).catch(() => undefined);
    return this.queue;
  }

  /**
   * Queues an `error` event not tied to a parsed event (a binary frame, a client over its rate), after
   * the events received before it, so errors come back in the order their causes arrived.
   */
  error(detail: Omit<RealtimeErrorDetail, 'event_id'> & { event_id?: string | null }): void {
    this.queue = this.queue.then(() =>
      this.send({ type: 'error', error: { ...detail, event_id: detail.event_id ?? null } }),
    );
  }

  /** Resolves once every event received so far has been handled and answered. */
  drained(): Promise<void> {
    return this.queue;
  }

  /** The socket closed: abort a response in flight, emit nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    this.vad?.dispose();
    const active = this.active;
    if (active) {
      active.cancelReason = 'client_cancelled';
      active.controller.abort();
      await active.done;
    }
    await this.transcriptions?.close();
  }

  /** Resolves once queued events are handled and no response or input transcription is in flight. */
  async idle(): Promise<void> {
    await this.queue;
    while (this.active) await this.active.done;
    await this.transcriptions?.idle();
  }

  /** Stops handling client events, queued ones included (the socket is being closed); events still go out. */
  stopInput(): void {
    this.inputStopped = true;
  }

  private async dispatch(text: string): Promise<void> {
    if (this.closed || this.inputStopped) return;
    const parsed = parseClientEvent(text);
    if (!parsed.ok) {
      if (this.options.onInvalidEvent?.() === false) return;
      this.send({ type: 'error', error: parsed.error });
      return;
    }
    const event = parsed.event;
    try {
      await this.apply(event);
    } catch (error) {
      this.send({ type: 'error', error: detailOf(error, event.event_id ?? null) });
    }
  }

  private async apply(event: ClientEvent): Promise<void> {
    switch (event.type) {
      case 'session.update': {
        this.checkTranscription(event.session.audio?.input?.transcription?.model);
        const next = applySessionUpdate(this.config, event.session);
        if (event.session.model !== undefined && event.session.model !== this.config.model) {
          throw new ConversationError(
            'invalid_value',
            'The model of a session is fixed when it connects.',
            'session.model',
          );
        }
        this.config = next;
        this.buffer.setFormat(next.audio.input.format);
        this.resetVad();
        this.send({ type: 'session.updated', session: this.config });
        return;
      }
      case 'input_audio_buffer.append':
        return this.append(event.audio);
      case 'input_audio_buffer.commit':
        if (this.buffer.size === 0) {
          throw new ConversationError(
            'input_audio_buffer_commit_empty',
            'The input audio buffer is empty: nothing to commit.',
          );
        }
        this.commit(this.speechItemId ?? this.newId('item'), 0);
        this.vad?.reset();
        return;
      case 'input_audio_buffer.clear':
        this.buffer.clear();
        this.vad?.reset();
        this.speechItemId = null;
        this.send({ type: 'input_audio_buffer.cleared' });
        return;
      case 'conversation.item.create':
        return this.createItem(event.item, event.previous_item_id);
      case 'conversation.item.delete':
        this.conversation.delete(event.item_id);
        this.send({ type: 'conversation.item.deleted', item_id: event.item_id });
        return;
      case 'conversation.item.retrieve':
        this.send({ type: 'conversation.item.retrieved', item: structuredClone(this.conversation.get(event.item_id)) });
        return;
      case 'conversation.item.truncate':
        this.conversation.truncate(event.item_id, event.content_index, event.audio_end_ms);
        await this.reportStoredTruncation(event.item_id, event.content_index);
        this.send({
          type: 'conversation.item.truncated',
          item_id: event.item_id,
          content_index: event.content_index,
          audio_end_ms: event.audio_end_ms,
        });
        return;
      case 'response.create':
        return this.createResponse(event.response ?? {});
      case 'response.cancel': {
        const active = this.active;
        if (!active || (event.response_id !== undefined && event.response_id !== active.id)) {
          throw new ConversationError(
            'response_cancel_not_active',
            'There is no active response to cancel.',
            'response_id',
          );
        }
        await this.cancel('client_cancelled');
        return;
      }
      case 'output_audio_buffer.clear':
        throw new ConversationError(
          'unsupported_event',
          'output_audio_buffer.clear applies to WebRTC sessions only; over a WebSocket the client owns playback.',
          'type',
        );
    }
  }

  private append(base64: string): void {
    const samples = this.buffer.append(base64);
    for (const vadEvent of this.vad?.push(samples) ?? []) {
      if (vadEvent.type === 'speech_started') {
        this.speechItemId = this.newId('item');
        this.speechStartMs = vadEvent.audioStartMs;
        this.send({
          type: 'input_audio_buffer.speech_started',
          audio_start_ms: vadEvent.audioStartMs,
          item_id: this.speechItemId,
        });
        if (this.active && this.config.audio.input.turn_detection?.interrupt_response) {
          const active = this.active;
          active.cancelReason = 'turn_detected';
          active.controller.abort();
        }
      } else {
        const itemId = this.speechItemId ?? this.newId('item');
        this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: vadEvent.audioEndMs, item_id: itemId });
        this.commit(itemId, Math.round((this.speechStartMs * this.buffer.sampleRate) / 1000), vadEvent.atSample);
        if (this.config.audio.input.turn_detection?.create_response && !this.active) void this.startResponse({});
      }
    }
  }

  /** Turns the buffer (session samples `fromSample` to `toSample`) into a user audio item. */
  private commit(itemId: string, fromSample: number, toSample?: number): void {
    const sampleRate = this.buffer.sampleRate;
    const samples = this.buffer.take(fromSample, toSample);
    this.speechItemId = null;
    const item: ConversationItemObject = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    const previous = this.conversation.insert(item, new Map([[0, { samples, sampleRate }]]));
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId });
    this.send({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) });
    this.send({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(item) });
    const transcription = this.config.audio.input.transcription;
    if (transcription && samples.length > 0)
      this.transcriptions?.start(itemId, 0, { samples, sampleRate }, transcription);
  }

  /** Refuses to turn on input transcription with a model the gateway cannot transcribe with. */
  private checkTranscription(model: string | undefined): void {
    if (model === undefined) return;
    if (!this.options.transcriber) {
      throw new ConversationError(
        'unsupported_value',
        'Input audio transcription is not available on this session.',
        'session.audio.input.transcription',
      );
    }
    this.options.transcriber.check(model);
  }

  private createItem(create: ItemCreate, previousItemId: string | null | undefined): void {
    const id = create.id ?? this.newId('item');
    const audio = new Map<number, ItemAudio>();
    let item: ConversationItemObject;
    if (create.type === 'function_call_output') {
      item = {
        id,
        object: 'realtime.item',
        type: 'function_call_output',
        status: 'completed',
        call_id: create.call_id,
        output: create.output,
      };
    } else {
      const content: MessageContent[] = create.content.map((part, index) => {
        if (part.type === 'input_audio') {
          if (create.role !== 'user')
            throw new ConversationError(
              'invalid_value',
              'Only user items may carry input_audio.',
              `item.content.${index}`,
            );
          audio.set(index, this.decodeItemAudio(part.audio, index));
          return { type: 'input_audio', transcript: part.transcript ?? null };
        }
        if (part.type === 'output_text') {
          if (create.role !== 'assistant')
            throw new ConversationError(
              'invalid_value',
              'output_text belongs to assistant items.',
              `item.content.${index}`,
            );
          return part;
        }
        if (create.role === 'assistant') return { type: 'output_text', text: part.text };
        return part;
      });
      item = { id, object: 'realtime.item', type: 'message', status: 'completed', role: create.role, content };
    }
    const previous = this.conversation.insert(item, audio, previousItemId);
    this.send({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) });
    this.send({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(item) });
  }

  private decodeItemAudio(base64: string, index: number): ItemAudio {
    const scratch = new InputAudioBuffer(this.config.audio.input.format, this.options.maxBufferSeconds * 24000);
    try {
      const samples = scratch.append(base64);
      return { samples, sampleRate: scratch.sampleRate };
    } catch (error) {
      if (error instanceof AppendError)
        throw new ConversationError(error.code, error.message, `item.content.${index}.audio`);
      throw error;
    }
  }

  private createResponse(params: ResponseCreateParams): void {
    if (this.active) {
      throw new ConversationError(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${this.active.id}. Wait until the response is finished before creating a new one.`,
      );
    }
    void this.startResponse(params);
  }

  private startResponse(params: ResponseCreateParams): Promise<void> {
    const controller = new AbortController();
    const id = this.newId('resp');
    const active: ActiveResponse = { id, controller, cancelReason: null, done: Promise.resolve() };
    this.active = active;
    active.done = this.runResponse(active, params).finally(() => {
      if (this.active === active) this.active = null;
    });
    return active.done;
  }

  private async runResponse(active: ActiveResponse, params: ResponseCreateParams): Promise<void> {
    const config = this.config;
    const modalities = params.output_modalities ?? config.output_modalities;
    const voice = params.audio?.output?.voice ?? config.audio.output.voice;
    const format = params.audio?.output?.format
      ? normalizeFormat(params.audio.output.format)
      : config.audio.output.format;
    const maxTokens = params.max_output_tokens ?? config.max_output_tokens;
    const response: ResponseObject = {
      id: active.id,
      object: 'realtime.response',
      status: 'in_progress',
      output: [],
      conversation_id: this.conversationId,
      output_modalities: modalities,
      max_output_tokens: maxTokens,
      audio: { output: { format, voice } },
      metadata: params.metadata ?? null,
    };
    this.send({ type: 'response.created', response: structuredClone(response) });
    const audioFormat: TurnAudioFormat =
      format.type === 'audio/pcmu' ? 'g711_ulaw' : format.type === 'audio/pcma' ? 'g711_alaw' : 'pcm16';
    const run = new ResponseRun(
      response,
      this.conversation,
      (event) => this.send(event),
      this.newId,
      1000 / (sampleRateOf(format) * (audioFormat === 'pcm16' ? 2 : 1)),
    );
    let done: ResponseObject;
    const toolRuns: ToolRunSummary[] = [];
    let rateLimits: readonly RateLimit[] | null = null;
    const unstored = this.conversation.unstored();
    let stored = false;
    let storedTurnId: string | undefined;
    try {
      const stream = this.options.runner.run({
        keyId: this.options.keyId,
        model: this.options.model,
        messages: this.conversation.toMessages(
          params.instructions ?? config.instructions,
          this.options.historyAudioBytes,
        ),
        modalities: modalities[0] === 'audio' ? ['text', 'audio'] : ['text'],
        voice,
        audioFormat,
        speed: config.audio.output.speed,
        maxTokens: maxTokens === 'inf' ? null : maxTokens,
        tools: params.tools ?? config.tools,
        toolChoice: params.tool_choice ?? config.tool_choice,
        signal: active.controller.signal,
        sessionId: this.options.sessionId ?? null,
        newMessages: unstored.messages,
        onStored: (turnId) => {
          stored = true;
          storedTurnId = turnId;
        },
        onRateLimits: (limits) => (rateLimits = limits),
      });
      for await (const chunk of stream) {
        if (active.controller.signal.aborted) break;
        toolRuns.push(...toolRunsOf(chunk));
        run.push(chunk);
      }
      if (active.controller.signal.aborted) throw active.controller.signal.reason;
      done = run.lengthLimited
        ? run.finish('incomplete', { type: 'incomplete', reason: 'max_output_tokens' })
        : run.finish('completed', undefined);
    } catch (error) {
      if (active.cancelReason) {
        done = run.finish('cancelled', { type: 'cancelled', reason: active.cancelReason });
      } else {
        const detail = detailOf(error, null);
        this.send({ type: 'error', error: detail });
        done = run.finish('failed', {
          type: 'failed',
          error: { type: detail.type, code: detail.code ?? 'server_error' },
        });
      }
    }
    if (stored) {
      this.conversation.markStored([...unstored.ids, ...done.output.map((item) => item.id)], storedTurnId);
    }
    done.metadata = withToolRuns(done.metadata, toolRuns);
    this.send({ type: 'response.done', response: done });
    if (rateLimits) this.send({ type: 'rate_limits.updated', rate_limits: [...rateLimits] });
    this.options.onResponseDone?.(done);
  }

  private async cancel(reason: 'turn_detected' | 'client_cancelled'): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.cancelReason = reason;
    active.controller.abort();
    await active.done;
  }

  private resetVad(): void {
    const settings = this.config.audio.input.turn_detection;
    this.vad?.dispose();
    const create: TurnDetectorFactory =
      this.options.turnDetector ?? ((vad, rate, start) => new ServerVadDetector(vad, rate, start));
    this.vad = settings ? create(detectorSettingsOf(settings), this.buffer.sampleRate, this.buffer.totalSamples) : null;
    this.speechItemId = null;
  }

  /** After a truncation: the stored turn holding the item is told what the user heard (its transcript). */
  private async reportStoredTruncation(itemId: string, contentIndex: number): Promise<void> {
    const turnId = this.conversation.storedTurnOf(itemId);
    const item = this.conversation.get(itemId);
    const part = item.type === 'message' ? item.content[contentIndex] : undefined;
    if (turnId === undefined || part?.type !== 'output_audio') return;
    await this.options.onStoredAnswerTruncated?.(turnId, part.transcript);
  }

  private send(event: ServerEvent): void {
    if (this.closed) return;
    this.options.emit({ ...event, event_id: this.newId('event') });
  }
}
