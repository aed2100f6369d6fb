import type { Readable } from 'node:stream';
import {
  type Batchable,
  batchable,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  SseDecoder,
  type SseEvent,
  SseEventTooLargeError,
  Errors,
  GatewayError,
  type OpenAIError,
  SSE_DONE,
  UpstreamErrorEnvelopeSchema,
} from '@voxgate/openai-wire';
import { providerSecrets, SecretRedactor } from '@voxgate/config';
import { z } from 'zod';
import type {
  ProviderAdapter,
  ProviderCallContext,
  ProviderCapabilities,
  ProviderResult,
  ProviderStream,
} from '../provider-adapter';
import { onAbort, type UpstreamSignal } from '../call-abort';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, type RetryPolicy, retryDelayMs } from '../retry-policy';
import {
  DeadlineReads,
  readWithin,
  release,
  systemTimers,
  type Timers,
  UpstreamDeadline,
  type UpstreamTimeoutError,
} from '../upstream-deadline';
import {
  isConnectTimeout,
  type UpstreamResponse,
  type UpstreamTransport,
  upstreamTransport,
} from '../upstream-transport';
import { UpstreamStreamError } from '../upstream-stream-error';
import type { SpeechBackend, SpeechCapabilities } from '../speech-backend';
import { WeightedRotation } from '../weighted-rotation';
import { DEFAULT_SPEECH_CAPABILITIES, OpenAICompatibleSpeech } from './openai-compatible.speech';
import {
  chatCompletionsUrl,
  type OpenAICompatibleSettings,
  redactError,
  requestHeaders,
  upstreamHttpError,
} from './openai-compatible.api';
import { readChatCompletion, readChatCompletionChunk } from './upstream-chat-bodies';

/** Everything an adapter touches outside itself, injected so tests never patch globals. */
export interface OpenAICompatibleDeps {
  /** How requests reach the provider: `upstreamTransport(connectMs)` in production. */
  readonly transport: UpstreamTransport;
  /** Waits `ms` before a retry; rejects with the call signal's reason once it aborts. */
  readonly sleep: (ms: number, signal: UpstreamSignal) => Promise<void>;
  readonly random: () => number;
  readonly retry: RetryPolicy;
  /** Runs the provider's first-byte, idle and total timeouts. */
  readonly timers: Timers;
  /** Told before each retry on this provider (metrics). Must not throw. */
  readonly onRetry?: (provider: string) => void;
}

/** One POST to the provider: where (per key target), what, and which answer type is wanted. */
export interface UpstreamCall {
  readonly url: (target: OpenAICompatibleSettings) => string;
  /** The body: JSON text, or encoded bytes of `contentType` (a multipart form). */
  readonly body: string | Uint8Array;
  /** Default `application/json`. */
  readonly contentType?: string;
  readonly accept: string;
}

/**
 * Everything but the transport, which is per provider (its pool and connect timeout): callers add
 * `transport: upstreamTransport(connectMs)`.
 */
export const defaultDeps: Omit<OpenAICompatibleDeps, 'transport'> = {
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      // Called at once when the signal already aborted: then no timer is started.
      const stop = onAbort(signal, () => (clearTimeout(timer), reject(asError(signal.reason))));
      if (!signal.aborted) timer = setTimeout(() => (stop(), resolve()), ms);
    }),
  random: Math.random,
  retry: DEFAULT_RETRY_POLICY,
  timers: systemTimers,
};

/** OpenAI, Azure OpenAI, CometAPI and every server that speaks OpenAI's chat-completions protocol. */
export class OpenAICompatibleAdapter implements ProviderAdapter {
  readonly capabilities: ProviderCapabilities;
  /** Takes this provider's credentials out of anything it says before it is relayed or logged. */
  private readonly redact: (text: string) => string;
  private readonly host: string;
  /** Where each attempt goes: `settings` itself, or the next of its weighted `keys`. */
  private readonly targets: WeightedRotation<OpenAICompatibleSettings> | null;

  /** `/audio/speech`, `/audio/transcriptions` and `/audio/translations` relayed to the same provider. */
  readonly speech: SpeechBackend;

  constructor(
    readonly id: string,
    private readonly settings: OpenAICompatibleSettings,
    capabilities: ProviderCapabilities,
    private readonly deps: OpenAICompatibleDeps = {
      ...defaultDeps,
      transport: upstreamTransport(settings.timeouts.connectMs),
    },
    speechCapabilities: SpeechCapabilities = DEFAULT_SPEECH_CAPABILITIES,
  ) {
    this.capabilities = capabilities;
    this.speech = new OpenAICompatibleSpeech(this, speechCapabilities);
    const redactor = new SecretRedactor(providerSecrets(settings));
    this.redact = (text) => redactor.redact(text);
    this.host = hostOf(settings.baseUrl);
    this.targets =
      settings.keys.length === 0
        ? null
        : new WeightedRotation(
            settings.keys.map((key) => ({
              item: { ...settings, apiKey: key.apiKey, baseUrl: key.baseUrl ?? settings.baseUrl },
              weight: key.weight,
            })),
          );
  }

  async chatCompletion(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ProviderResult<ChatCompletionResponse>> {
    const { response, deadline } = await this.send(request, context, false);
    try {
      const text = await readText(response.body, deadline);
      const body = readChatCompletion(safeJson(text));
      if (!body) throw Errors.upstreamError(this.id, 'it returned a body that is not a chat completion.');
      return { body, upstreamRequestId: response.headers.get('x-request-id') };
    } catch (error) {
      throw this.translate(error, deadline);
    } finally {
      deadline.finish();
    }
  }

  async streamChatCompletion(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ProviderStream> {
    const { response, deadline } = await this.send(request, context, true);
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.includes('text/event-stream')) {
      deadline.finish();
      release(response.body);
      throw Errors.upstreamError(
        this.id,
        `it answered a streaming request with '${contentType || 'no content type'}'.`,
      );
    }
    return {
      chunks: this.readChunks(response.body, deadline, context.signal),
      upstreamRequestId: response.headers.get('x-request-id'),
    };
  }

  /**
   * The stream's chunks, also as the batches one read of the body completed (`Batchable`). Each wait for
   * the next read is bounded by `idleMs` and the whole stream by `totalMs`; either running out ends the
   * stream with an `upstream_timeout` error event.
   */
  private readChunks(
    body: Readable,
    deadline: UpstreamDeadline,
    signal: UpstreamSignal,
  ): Batchable<ChatCompletionChunk> {
    return batchable(() => this.readBatches(body, deadline, signal));
  }

  /**
   * The chunks of each read, in order. A failure partway through a read (a malformed event, the
   * provider's in-band error) first yields the chunks before it, as reading one at a time would.
   */
  private async *readBatches(
    body: Readable,
    deadline: UpstreamDeadline,
    signal: UpstreamSignal,
  ): AsyncGenerator<readonly ChatCompletionChunk[]> {
    const reads = new DeadlineReads(body, deadline);
    try {
      const decoder = new SseDecoder();
      let started = false;
      for (;;) {
        const bytes = await reads.next();
        const events = bytes === null ? decoder.end() : decoder.push(bytes);
        // The stream's first chunk is yielded alone: in a read holding several (a provider's first burst)
        // it would otherwise wait for all of them to be parsed and relayed, time added to the first token.
        let from = 0;
        let to = started ? events.length : Math.min(1, events.length);
        for (;;) {
          const { chunks, ended, failure } = this.chunksOf(events, from, to);
          if (chunks.length > 0) {
            started = true;
            yield chunks;
          }
          if (failure) throw failure.error;
          if (ended) return;
          if (to === events.length) break;
          from = to;
          to = events.length;
        }
        if (bytes === null) throw streamFailure(this.id, 'it closed the stream before it was complete.');
      }
    } catch (error) {
      if (error instanceof UpstreamStreamError) throw error;
      if (error instanceof SseEventTooLargeError) {
        throw streamFailure(this.id, `it sent a stream event longer than ${error.maxChars} characters.`);
      }
      const expired = deadline.expired;
      if (expired) throw new UpstreamStreamError(this.timeoutError(expired).toOpenAIError());
      if (signal.aborted) throw error;
      throw streamFailure(this.id, 'the connection broke during streaming.');
    } finally {
      reads.close();
      deadline.finish();
    }
  }

  /**
   * The chunks of `events[from..to)` up to `[DONE]` (then `ended`) or to the first that fails (then
   * `failure`).
   */
  private chunksOf(
    events: readonly SseEvent[],
    from: number,
    to: number,
  ): {
    chunks: ChatCompletionChunk[];
    ended: boolean;
    failure: { error: unknown } | null;
  } {
    const chunks: ChatCompletionChunk[] = [];
    for (let at = from; at < to; at++) {
      try {
        const chunk = this.chunkOf(events[at]!);
        if (chunk === null) return { chunks, ended: true, failure: null };
        chunks.push(chunk);
      } catch (error) {
        return { chunks, ended: false, failure: { error } };
      }
    }
    return { chunks, ended: false, failure: null };
  }

  /** One stream event as a chunk; `null` for `[DONE]`; throws the provider's in-band error, redacted. */
  private chunkOf(event: SseEvent): ChatCompletionChunk | null {
    if (event.data === SSE_DONE) return null;
    const json = safeJson(event.data);
    const found = errorOf(json);
    const error = found ? redactError(found, this.redact) : null;
    if (event.event === 'error' || error) {
      throw new UpstreamStreamError(
        error ?? {
          message: 'The provider reported an error during streaming.',
          type: 'server_error',
          param: null,
          code: null,
        },
      );
    }
    const chunk = readChatCompletionChunk(json);
    if (!chunk) throw streamFailure(this.id, 'it sent a stream event that is not a chat completion chunk.');
    return chunk;
  }

  /**
   * The pieces of a 2xx body, each read bounded by the call's deadline, failing the way a chat stream
   * does: `UpstreamStreamError` for a broken connection or a timeout (redacted, client-ready); an abort
   * by the client is rethrown as is. Finishes the deadline and cancels the body when done.
   */
  async *readBody<T>(
    body: Readable,
    deadline: UpstreamDeadline,
    signal: UpstreamSignal,
    parse: (bytes: AsyncIterable<Uint8Array>) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    try {
      yield* parse(readWithin(body, deadline));
    } catch (error) {
      if (error instanceof UpstreamStreamError) throw error;
      const expired = deadline.expired;
      if (expired) throw new UpstreamStreamError(this.timeoutError(expired).toOpenAIError());
      if (signal.aborted) throw error;
      throw streamFailure(this.id, 'the connection broke while sending its answer.');
    } finally {
      deadline.finish();
      release(body);
    }
  }

  /** A whole 2xx body as text, failures translated as `chatCompletion` does. */
  async readAll(response: UpstreamResponse, deadline: UpstreamDeadline): Promise<string> {
    try {
      return await readText(response.body, deadline);
    } catch (error) {
      throw this.translate(error, deadline);
    } finally {
      deadline.finish();
    }
  }

  /** Takes this provider's credentials out of a text it sent. */
  redactText(text: string): string {
    return this.redact(text);
  }

  /**
   * POSTs the request, retrying retryable failures, under one `UpstreamDeadline`. Returns the 2xx
   * response and its deadline, which the caller must `finish` once the body was read or the stream ended.
   * Timeouts are never retried: the provider was reached, and the time is spent.
   */
  private send(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
    stream: boolean,
  ): Promise<{ response: UpstreamResponse; deadline: UpstreamDeadline }> {
    return this.post(
      {
        url: (target) => chatCompletionsUrl(target, request.model),
        body: JSON.stringify(request),
        accept: stream ? 'text/event-stream' : 'application/json',
      },
      context,
    );
  }

  /**
   * POSTs one call (chat, speech, transcription) with this provider's keys, retries, timeouts and
   * redaction; see `send`. Public for the provider's `SpeechBackend` only.
   */
  async post(
    call: UpstreamCall,
    context: ProviderCallContext,
  ): Promise<{ response: UpstreamResponse; deadline: UpstreamDeadline }> {
    if (!this.settings.apiKey && !this.targets) {
      throw Errors.providerNotConfigured(this.id, 'it has no API key configured.');
    }
    const { body } = call;
    const { retry } = this.deps;
    const deadline = new UpstreamDeadline(this.settings.timeouts, this.deps.timers, context.signal);
    try {
      for (let attempt = 0; ; attempt++) {
        let response: UpstreamResponse;
        const target = this.targets?.next() ?? this.settings;
        if (attempt > 0) this.deps.onRetry?.(this.id);
        deadline.awaitFirstByte();
        try {
          const headers = requestHeaders(target, context.requestId, false);
          headers.accept = call.accept;
          headers['content-type'] = call.contentType ?? 'application/json';
          response = await this.deps.transport({ url: call.url(target), headers, body, signal: deadline.signal });
        } catch (error) {
          deadline.pause();
          const translated = this.translate(error, deadline);
          if (context.signal.aborted || attempt >= retry.maxRetries || isTimeout(translated)) throw translated;
          await this.deps.sleep(retryDelayMs(retry, attempt, null, this.deps.random), deadline.signal);
          continue;
        }
        deadline.pause();
        if (response.status >= 200 && response.status < 300) return { response, deadline };
        const text = await readText(response.body, deadline).catch(() => '');
        if (deadline.expired) throw this.timeoutError(deadline.expired);
        if (attempt < retry.maxRetries && isRetryableStatus(response.status, response.headers)) {
          await this.deps.sleep(retryDelayMs(retry, attempt, response.headers, this.deps.random), deadline.signal);
          continue;
        }
        throw upstreamHttpError(this.id, response.status, response.headers, text, this.redact).withDiagnostics({
          host: this.host,
        });
      }
    } catch (error) {
      deadline.finish();
      throw error instanceof GatewayError ? error : this.translate(error, deadline);
    }
  }

  private translate(error: unknown, deadline: UpstreamDeadline): unknown {
    if (error instanceof GatewayError) return error.withDiagnostics({ provider: this.id, host: this.host });
    if (deadline.expired) return this.timeoutError(deadline.expired);
    const cause = networkCodeOf(error);
    if (isConnectTimeout(cause)) {
      return Errors.upstreamTimeout(this.id, seconds(this.settings.timeouts.connectMs), 'connect').withDiagnostics({
        provider: this.id,
        host: this.host,
      });
    }
    if (deadline.signal.aborted) return deadline.signal.reason;
    return Errors.upstreamError(this.id, 'the connection to the provider failed.').withDiagnostics({
      provider: this.id,
      host: this.host,
      cause,
    });
  }

  private timeoutError(expired: UpstreamTimeoutError): GatewayError {
    return Errors.upstreamTimeout(this.id, seconds(expired.ms), expired.phase).withDiagnostics({
      provider: this.id,
      host: this.host,
    });
  }
}

/** The body as text (UTF-8), each read bounded by the deadline; the body is released after. */
async function readText(body: Readable, deadline: UpstreamDeadline): Promise<string> {
  const pieces: Uint8Array[] = [];
  const reads = new DeadlineReads(body, deadline);
  try {
    for (let bytes = await reads.next(); bytes !== null; bytes = await reads.next()) pieces.push(bytes);
  } finally {
    reads.close();
  }
  const whole = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  return Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).toString('utf8');
}

/** Milliseconds as seconds for messages: `0.4`, `30`. */
function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

function streamFailure(provider: string, detail: string): UpstreamStreamError {
  return new UpstreamStreamError({
    message: `The provider '${provider}' failed: ${detail}`,
    type: 'upstream_error',
    param: null,
    code: 'upstream_error',
  });
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'unknown';
  }
}

/** The system error code behind a failed request (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`…), or null. */
function networkCodeOf(error: unknown): string | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** An in-band error event: `{"error": {...}}` or `{"error": "text"}`; null for an ordinary chunk. */
function errorOf(json: unknown): OpenAIError | null {
  // Most events are ordinary chunks: test for the key before zod, whose failed parse builds an issue list.
  if (typeof json !== 'object' || json === null || !('error' in json)) return null;
  const parsed = InBandErrorSchema.safeParse(json);
  if (!parsed.success) return null;
  const error = parsed.data.error;
  if (typeof error === 'string') return { message: error, type: 'server_error', param: null, code: null };
  return UpstreamErrorEnvelopeSchema.parse({ error }).error;
}

const InBandErrorSchema = z.object({ error: z.union([z.string().min(1), z.record(z.string(), z.unknown())]) });

function isTimeout(error: unknown): boolean {
  return error instanceof GatewayError && error.code === 'upstream_timeout';
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error('aborted');
}
