import type { RelayEvent } from '@voxgate/conversation';
import { type ChatCompletionChunk, Errors, GatewayError, parseChatCompletionRequest } from '@voxgate/openai-wire';
import type { TurnRequest, TurnRunner } from '@voxgate/realtime';
import type { AuthenticateKeyId } from '@voxgate/tenancy';
import { ClientDisconnectedError } from '../http/client-abort';
import { requestIdFor } from '../http/request-id';
import type { JsonLogger } from '../infra/json-logger';
import type { CompletionDoor, CompletionPipeline } from '../chat/completion-pipeline';
import type { StreamEnd } from '../chat/sse-writer';
import { Handoff } from './chunk-handoff';
import { rateLimitsOf } from './rate-limits';

export interface PipelineTurnRunnerOptions {
  readonly pipeline: CompletionPipeline;
  /** Re-reads the session's key at every turn: a key revoked mid-session gets no more answers. */
  readonly authenticateKeyId: AuthenticateKeyId;
  readonly logger: JsonLogger;
  /** The handshake's request id, logged beside each turn's own. */
  readonly connectionRequestId: string;
  /** A turn that made no progress this long ends with `stream_timeout` (`server.sseMaxSilenceMs`); 0: never. */
  readonly maxSilenceMs: number;
}

/**
 * `TurnRunner` over the completion pipeline, called in process (issue #15, ADR 0013): each realtime turn
 * is one streamed chat completion admitted, metered, settled, stored and traced exactly as an HTTP one,
 * with three differences that are door options: no `concurrent_streams` lease of its own (the session's
 * covers its turns), the conversation sent as the session keeps it (`providedHistory`: its new items are
 * what the session store receives), and a cancelled turn (barge-in) stored with what was generated.
 *
 * Abort: the turn's signal (`response.cancel`, barge-in, closed socket) aborts the pipeline's controller
 * with a `ClientDisconnectedError`, so the upstream call ends and the turn settles as `cancelled`. The
 * generator returns only once the turn is settled, so `response.done` follows its metering and storage.
 */
export class PipelineTurnRunner implements TurnRunner {
  constructor(private readonly options: PipelineTurnRunnerOptions) {}

  async *run(turn: TurnRequest): AsyncIterable<ChatCompletionChunk> {
    const principal = await this.options.authenticateKeyId.execute(turn.keyId);
    const request = parseChatCompletionRequest(chatBody(turn));
    const requestId = requestIdFor();
    const abort = new AbortController();
    const onAbort = () => abort.abort(new ClientDisconnectedError());
    if (turn.signal.aborted) onAbort();
    turn.signal.addEventListener('abort', onAbort, { once: true });
    const handoff = new Handoff<ChatCompletionChunk>();
    const started = performance.now();
    const door: CompletionDoor = {
      admitted: (headers) => {
        const limits = rateLimitsOf(headers);
        if (limits.length > 0) turn.onRateLimits?.(limits);
      },
      json: () => undefined,
      stream: (events, { beforeEnd }) => this.relay(events, handoff, abort, beforeEnd),
      elapsedSeconds: () => (performance.now() - started) / 1000,
      log: (route, entry) =>
        this.options.logger.event('info', 'chat.completion', {
          requestId,
          door: 'realtime',
          connectionRequestId: this.options.connectionRequestId,
          tenantId: principal.tenantId,
          keyId: principal.keyId,
          model: route.model,
          provider: route.provider,
          upstreamRequestId: route.upstreamRequestId,
          end: entry.end,
          ...(entry.error ? { error: { type: entry.error.type, code: entry.error.code } } : {}),
          usage: entry.usage,
          durationMs: Math.round(entry.durationMs * 100) / 100,
        }),
    };
    const settled = this.options.pipeline
      .execute(
        {
          principal,
          request,
          requestId,
          sessionId: turn.sessionId ?? undefined,
          idempotencyKey: null,
          confirmationToken: null,
          abort,
          traceHeaders: {},
          options: {
            streamLeaseHeld: true,
            providedHistory: { storedMessages: turn.newMessages },
            storeCancelled: true,
            audioIds: false,
            onStored: () => turn.onStored(requestId),
          },
        },
        door,
      )
      .then(
        () => handoff.end(),
        (error: unknown) => handoff.end(error instanceof Error ? error : Errors.internal()),
      );
    try {
      for (;;) {
        const next = await handoff.pull();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // The session stopped reading (cancelled): stop the turn, and return once it is settled.
      if (!abort.signal.aborted) abort.abort(new ClientDisconnectedError());
      handoff.end();
      await settled;
      turn.signal.removeEventListener('abort', onAbort);
    }
  }

  /** The stream door: hands each chunk to the session, one at a time, and tells how the stream ended. */
  private async relay(
    events: AsyncIterable<RelayEvent>,
    handoff: Handoff<ChatCompletionChunk>,
    abort: AbortController,
    beforeEnd: (end: Exclude<StreamEnd, 'client_disconnected'>) => Promise<void>,
  ): Promise<StreamEnd> {
    const { signal } = abort;
    const iterator = events[Symbol.asyncIterator]();
    const silenceMs = this.options.maxSilenceMs;
    const silence =
      silenceMs > 0
        ? setTimeout(() => abort.abort(Errors.streamSilent(Math.round(silenceMs / 1000))), silenceMs)
        : null;
    const endOf = async (): Promise<StreamEnd> => {
      const reason: unknown = signal.reason;
      if (!(reason instanceof GatewayError)) return 'client_disconnected';
      // The pipeline winds down first, so what `beforeEnd` stores and meters is final.
      await Promise.resolve(iterator.return?.(undefined)).catch(() => undefined);
      await beforeEnd('interrupted');
      handoff.end(reason);
      return 'interrupted';
    };
    try {
      for (;;) {
        const next = await untilAborted(iterator.next(), signal);
        if (next === ABORTED) return await endOf();
        if (next.done) break;
        silence?.refresh();
        const event = next.value;
        if (event.type === 'error') {
          if (signal.aborted) return await endOf();
          const { error } = event;
          await beforeEnd('upstream_error');
          handoff.end(new GatewayError(502, error.type, error.code, error.message, error.param));
          return 'upstream_error';
        }
        if (!(await handoff.push(event.chunk)) || signal.aborted) return await endOf();
      }
      await beforeEnd('completed');
      return 'completed';
    } finally {
      if (silence) clearTimeout(silence);
      // Closing the iterator cancels the upstream body.
      await Promise.resolve(iterator.return?.(undefined)).catch(() => undefined);
    }
  }
}

const ABORTED = Symbol('aborted');

/** `promise`'s value, or `ABORTED` once `signal` aborts (at once when it already has). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

/** The chat-completions request of one turn (always streamed, usage always asked for). */
export function chatBody(request: TurnRequest): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages,
    modalities: request.modalities,
    ...(request.modalities[1] === 'audio' ? { audio: { voice: request.voice, format: request.audioFormat } } : {}),
    ...(request.speed !== 1 ? { speed: request.speed } : {}),
    ...(request.maxTokens !== null ? { max_completion_tokens: request.maxTokens } : {}),
    ...(request.tools.length > 0
      ? {
          tools: request.tools.map(({ name, description, parameters }) => ({
            type: 'function',
            function: {
              name,
              ...(description !== undefined ? { description } : {}),
              ...(parameters ? { parameters } : {}),
            },
          })),
          tool_choice:
            typeof request.toolChoice === 'string'
              ? request.toolChoice
              : { type: 'function', function: { name: request.toolChoice.name } },
        }
      : {}),
    stream: true,
    stream_options: { include_usage: true },
  };
}
