import { Injectable } from '@nestjs/common';
import { type CompletionRoute, CreateChatCompletion, type RelayEvent, toolRunView } from '@voxgate/conversation';
import {
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  type ChatMessage,
  GatewayError,
  type OpenAIError,
  type Usage,
} from '@voxgate/openai-wire';
import { type RequestAbort, signalOf, type UpstreamSignal } from '@voxgate/providers';
import type { Principal } from '@voxgate/tenancy';
import { ATTR_OUTCOME, type CompletionSpan, traceChatCompletion } from '@voxgate/telemetry';
import { GracefulShutdown } from '../infra/graceful-shutdown';
import { timedFirstEvents } from '../metrics/first-event-timing';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { GatewayTools } from '../tools/tools-runtime.provider';
import { assembledFrom, routeHeaders, toolHeaders } from './completion-http';
import { completionEndAttributes, completionStartAttributes } from './completion-tracing';
import { ConversationTurns, type PreparedTurn } from './conversation-turns';
import { type Admission, MeteredChat } from './metered-chat';
import type { StreamEnd } from './sse-writer';

/** The metering status of each way a stream can end. */
export const STREAM_STATUS = {
  completed: 'completed',
  upstream_error: 'upstream_error',
  client_disconnected: 'cancelled',
  interrupted: 'failed',
} as const satisfies Record<StreamEnd, string>;

/** One chat completion as a door hands it over: who asks, what, and how to stop it. */
export interface CompletionInput {
  readonly principal: Principal;
  /** Validated by `ChatCompletionRequestSchema`. */
  readonly request: ChatCompletionRequest;
  /** Usage events, session turns, logs and spans are keyed on it. */
  readonly requestId: string;
  /**
   * The session id as the client sent it (`X-Session-Id`, or the realtime `session_id`); validated here
   * (a malformed one is a 400 inside the span); `undefined` when the client named none.
   */
  readonly sessionId: string | string[] | undefined;
  /** `idem:<Idempotency-Key>` when the client sent a well-formed one: retries replay tool side effects and store the turn once. */
  readonly idempotencyKey: string | null;
  /** `X-Voxgate-Confirmation`: the token of a server tool call the user confirmed. */
  readonly confirmationToken: string | null;
  /**
   * The request's abort: a `CallAbort` (the HTTP route's, the cheaper) or an `AbortController`. Aborted
   * with a `ClientDisconnectedError` (the client left) the stream ends `client_disconnected`; with a
   * `GatewayError` (shutdown deadline, a silent stream) it ends `interrupted`. The pipeline tracks it for
   * graceful shutdown until the request is settled.
   */
  readonly abort: RequestAbort;
  /** Where the span continues the caller's trace (`traceparent`); `{}` starts a new trace. */
  readonly traceHeaders: Readonly<Record<string, string | string[] | undefined>>;
  readonly options?: DoorOptions;
}

/** What differs between doors. Every field is optional; the defaults are `POST /v1/chat/completions`'. */
export interface DoorOptions {
  /**
   * The caller already holds a `concurrent_streams` lease covering this request (a realtime session's
   * own): the request is admitted without taking another. Metered as a stream all the same.
   */
  readonly streamLeaseHeld?: boolean;
  /**
   * The door sends the whole conversation itself (realtime keeps it per socket): the session's stored
   * history is not prepended, and the turn stored under the session holds `storedMessages` (this turn's
   * new client messages) instead of the request's messages. Without it (HTTP) the stored history is
   * prepended and the request's messages stored.
   */
  readonly providedHistory?: { readonly storedMessages: readonly ChatMessage[] };
  /** Store the turn also when the client stopped the stream (a realtime barge-in: the user heard part of it). */
  readonly storeCancelled?: boolean;
  /** Hand out Voxgate audio ids for audio answers (default true); realtime turns never reference them. */
  readonly audioIds?: boolean;
  /** Told once the turn was handed to the session store (stored now, or by the outbox once Redis is back). */
  readonly onStored?: () => void;
}

/** How a stream's end was reported to the door's log. */
export interface CompletionLogEntry {
  readonly usage: Usage | null;
  readonly end: StreamEnd;
  readonly error?: OpenAIError | null;
  readonly durationMs: number;
}

/**
 * The transport half of a request: what the door writes and when. The pipeline calls `admitted` once,
 * then exactly one of `json` or `stream`, then `log` once (not on a failure before the answer, which is
 * thrown to the door).
 */
export interface CompletionDoor {
  /** Admitted: the rate-limit and session headers, for the response or the refusal that may follow. */
  admitted(headers: Record<string, string>): void;
  /**
   * A JSON answer is ready; the pipeline returns its body. `headers` are those added since `admitted`
   * (route, audio speed, tool runs): the answer carries both.
   */
  json(headers: Record<string, string>): void;
  /**
   * Writes a stream as its events come and resolves with how it ended. `beforeEnd` must run once every
   * event was delivered (for an interrupted stream, once the events' pipeline wound down, so its summary
   * is final) and before the door tells the client the stream is over (`[DONE]`, an in-band error), with
   * how it ended, unless the client left: it frees the request's stream slot and, for a completed or
   * interrupted stream, stores and settles it, so a client starting its next turn at once, on any
   * replica, finds the turn stored and the slot free.
   * `headers` are those added since `admitted` (route, audio speed): the stream's response carries both.
   */
  stream(
    events: AsyncIterable<RelayEvent>,
    options: {
      readonly headers: Record<string, string>;
      readonly beforeEnd: (end: Exclude<StreamEnd, 'client_disconnected'>) => Promise<void>;
    },
  ): Promise<StreamEnd>;
  /** Seconds since the request arrived at the door (first-byte and first-audio metrics). */
  elapsedSeconds(): number;
  /** The request's log line (HTTP: the access log's `chat.completion`). */
  log(route: CompletionRoute, entry: CompletionLogEntry): void;
}

/**
 * One chat completion from a validated request to its settled end, whichever door it came through
 * (`POST /v1/chat/completions`, a realtime turn; issue #15, ADR 0013): session history, quota admission,
 * the tenant's server tools, the completion itself, and the settle step.
 *
 * Settle, exactly once for every ending (JSON answer, stream completed, upstream error, client gone,
 * interrupted by the gateway): meter (one usage event) and settle the quota reservation
 * (`MeteredChat.finish`), store the turn (completed and interrupted streams, and cancelled ones under
 * `storeCancelled`), log (`door.log`), and end the `voxgate.chat.completion` span with the outcome. A
 * failure before the answer started is metered and thrown (the door turns it into its error form).
 */
@Injectable()
export class CompletionPipeline {
  constructor(
    private readonly createChatCompletion: CreateChatCompletion,
    private readonly metered: MeteredChat,
    private readonly turns: ConversationTurns,
    private readonly tools: GatewayTools,
    private readonly shutdown: GracefulShutdown,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** The JSON body for a JSON answer; undefined once a stream was written through `door.stream`. */
  execute(input: CompletionInput, door: CompletionDoor): Promise<ChatCompletionResponse | undefined> {
    // One `voxgate.chat.completion` span around the whole request, continuing the caller's `traceparent`.
    const attributes = completionStartAttributes(
      input.request,
      input.principal,
      input.requestId,
      input.sessionId !== undefined,
    );
    // Tracked until metered and stored, so a shutdown waits for it (and cuts it at its deadline).
    const done = this.shutdown.track(input.abort);
    return traceChatCompletion(input.traceHeaders, attributes, async (span) => {
      try {
        return await this.respond(input, door, span);
      } catch (error) {
        span.set({ [ATTR_OUTCOME]: MeteredChat.statusOf(error) });
        throw error;
      } finally {
        done();
      }
    });
  }

  private async respond(
    input: CompletionInput,
    door: CompletionDoor,
    span: CompletionSpan,
  ): Promise<ChatCompletionResponse | undefined> {
    const { principal, request, requestId, idempotencyKey, options = {} } = input;
    const started = performance.now();
    const sessionId = ConversationTurns.sessionIdOf(input.sessionId);
    const prepared: PreparedTurn = options.providedHistory
      ? await this.turns.prepareProvided(principal, request, sessionId, options.providedHistory.storedMessages)
      : await this.turns.prepare(principal, request, sessionId);
    const pending = this.metered.begin(principal, prepared.request, requestId, {
      streamLeaseHeld: options.streamLeaseHeld === true,
    });
    const sessionHeaders: Record<string, string> = sessionId ? { 'x-session-id': sessionId } : {};
    // Headers are merged with `Object.assign`: spreading these hyphen-named objects costs V8 about 2 µs each.
    const admit = (granted: Admission): Admission => {
      door.admitted(Object.assign({}, granted.reservation.headers, sessionHeaders));
      return granted;
    };
    // Not `abort.signal`: for a `CallAbort` that would make a WHATWG signal this path never needs.
    const signal = signalOf(input.abort);
    // Overlapped: the provider call leaves now and the use case waits for `admitted` before anything else;
    // a refusal aborts the call (with a reason that is not a provider failure: no breaker, no fallback).
    const admitted = pending.overlap
      ? pending.admission.then(
          (granted) => {
            this.metrics.overlappedAdmission(true);
            return admit(granted);
          },
          (error: unknown) => {
            this.metrics.overlappedAdmission(false);
            input.abort.abort(new AdmissionRefusedError());
            throw error;
          },
        )
      : undefined;
    // Awaited below on every path; handled now, since a refusal may come while nothing awaits it yet.
    admitted?.catch(ignore);
    // Unless overlapped, admitted before anything is called (a refusal is thrown from here).
    let decided: Admission | undefined = admitted ? undefined : admit(await pending.admission);

    let result;
    try {
      const serverTools = await this.tools.forRequest({
        tenantId: principal.tenantId,
        sessionId,
        requestId: idempotencyKey ?? requestId,
        confirmationToken: input.confirmationToken,
        abort: input.abort,
      });
      result = await this.createChatCompletion.execute({
        ...(serverTools ? { serverTools } : {}),
        request: prepared.request,
        requestId,
        signal,
        ...(options.audioIds === false ? {} : { audioIds: this.turns.audioIds }),
        keepAudio: sessionId !== null && !options.providedHistory,
        keepText: sessionId !== null,
        ...(admitted ? { admitted } : {}),
      });
      decided ??= await admitted!;
    } catch (error) {
      // Overlapped: a refusal is the answer (thrown from here), whatever the aborted call threw.
      decided ??= await admitted!;
      // A stream refused before its first byte frees its slot before the client sees the error.
      await this.metered.finish(decided, { status: MeteredChat.statusOf(error), usage: null });
      throw error;
    }
    const admission = decided;

    // What the answer adds to `admitted`'s headers (the door has those already).
    const headers = routeHeaders(result.route);
    if (request.audio && request.modalities?.includes('audio')) {
      headers['x-voxgate-audio-speed'] = String(result.audio.speed);
    }
    const store = async (outcome: Parameters<ConversationTurns['complete']>[3]): Promise<void> => {
      await this.turns.complete(principal, requestId, prepared, outcome, idempotencyKey);
      if (sessionId && outcome.message) options.onStored?.();
    };

    if (result.kind === 'json') {
      door.json(Object.assign(headers, toolHeaders(result.toolRuns)));
      if (result.toolRuns.length > 0) {
        Object.assign(result.body, { voxgate: { tool_runs: result.toolRuns.map(toolRunView) } });
      }
      const message = result.body.choices[0]?.message;
      await store({
        message: message ? assembledFrom(message) : null,
        toolMessages: result.toolMessages,
        audioIds: result.audioIds,
        audio: message?.audio ? { data: message.audio.data, format: request.audio?.format ?? 'wav' } : null,
      });
      void this.metered.finish(admission, {
        status: 'completed',
        provider: result.route.provider,
        upstreamModel: result.route.upstreamModel,
        usage: result.usage,
        toolCalls: result.toolRuns.filter((run) => !run.replayed).length,
        audioOutMs:
          result.audio.outputSeconds !== null
            ? result.audio.outputSeconds * 1000
            : MeteredChat.audioOutMs(result.body, request.audio?.format),
      });
      door.log(result.route, { usage: result.usage, end: 'completed', durationMs: performance.now() - started });
      span.set(completionEndAttributes('completed', result.route, result.usage, result.toolRuns.length));
      const timing = this.metrics.completion(result.route.model, false);
      timing.firstByte.observe(door.elapsedSeconds());
      if (message?.audio) timing.firstAudio.observe(door.elapsedSeconds());
      return result.body;
    }

    const { summary } = result;
    let settled = false;
    /** When the client may be told the stream is over (`MeteredChat.finish`); set by `settle`. */
    let slotFreed: Promise<void> | undefined;
    const settle = async (end: StreamEnd): Promise<void> => {
      if (settled) return;
      settled = true;
      // What the client received is stored, also when the gateway cut the stream short (shutdown).
      if (end === 'completed' || end === 'interrupted' || (end === 'client_disconnected' && options.storeCancelled)) {
        await store({
          message: summary.message,
          toolMessages: result.tools.messages,
          audioIds: summary.audioIds,
          audio: summary.audio?.length
            ? { data: summary.audio.toString('base64'), format: request.audio?.format ?? 'pcm16' }
            : null,
        });
      }
      slotFreed = this.metered.finish(admission, {
        status: STREAM_STATUS[end],
        provider: result.route.provider,
        upstreamModel: result.route.upstreamModel,
        // A stream cut short during the tool loop still consumed the rounds that completed.
        usage: summary.usage ?? result.tools.usage,
        generated: summary.generated,
        toolCalls: result.tools.runs.filter((run) => !run.replayed).length,
        ...(result.audio.outputSeconds !== null ? { audioOutMs: result.audio.outputSeconds * 1000 } : {}),
      });
    };
    const lease = this.metered.keepLease(admission);
    let end: StreamEnd;
    try {
      // A complete stream, or one the gateway interrupted (its pipeline wound down by then), is stored, and
      // its settle and usage queued, before the client is told it is over: its next turn finds the turn in
      // its session, and, on this replica, its usage recorded by commands Redis received before that
      // turn's. A stream slot counted against a limit is free in Redis, which has answered, by then too, so
      // the next stream is admitted on any replica: by the settle, or, after an upstream error (settled
      // once the pipeline ends), by releasing the lease alone.
      const timing = this.metrics.completion(result.route.model, true);
      const events = timedFirstEvents(result.events, {
        elapsedSeconds: () => door.elapsedSeconds(),
        firstByte: timing.firstByte,
        ...(request.modalities?.includes('audio') ? { firstAudio: timing.firstAudio } : {}),
      });
      end = await door.stream(events, {
        headers,
        beforeEnd: async (ending) => {
          if (ending === 'upstream_error') return lease.release();
          lease.stop();
          await settle(ending);
          await slotFreed;
        },
      });
    } catch (error) {
      // A door that failed while writing (it should not): the request is still settled, once.
      await settle('interrupted');
      throw error;
    } finally {
      lease.stop();
    }
    await settle(end);
    door.log(result.route, {
      usage: summary.usage,
      end,
      error: end === 'interrupted' ? interruptionOf(signal) : summary.error,
      durationMs: performance.now() - started,
    });
    span.set(completionEndAttributes(STREAM_STATUS[end], result.route, summary.usage, result.tools.runs.length));
    if (end === 'upstream_error') span.fail(summary.error);
    if (end === 'interrupted') span.fail(interruptionOf(signal));
    return undefined;
  }
}

/**
 * The abort reason of a provider call that left before its admission and was refused: not a
 * `GatewayError`, so the router counts the call cancelled (no breaker failure, no fallback). The client
 * gets the refusal itself.
 */
export class AdmissionRefusedError extends Error {
  constructor() {
    super('admission refused');
    this.name = 'AdmissionRefusedError';
  }
}

const ignore = (): void => undefined;

/** The error the gateway ended a stream with (the request signal's reason). */
function interruptionOf(signal: UpstreamSignal): OpenAIError | null {
  return signal.reason instanceof GatewayError ? signal.reason.toOpenAIError() : null;
}
