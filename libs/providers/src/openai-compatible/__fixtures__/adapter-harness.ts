/**
 * Test harness for `OpenAICompatibleAdapter`: an injectable transport that replays scripted replies
 * (written as WHATWG `Response`s, openai-node `tests/utils/mock-fetch.ts` style) and records every call,
 * plus recorded sleeps.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { ChatCompletionRequest } from '@voxgate/openai-wire';
import { ManualTimers } from '../../__fixtures__/manual-timers';
import { onAbort, type UpstreamSignal } from '../../call-abort';
import type { RetryPolicy } from '../../retry-policy';
import type { UpstreamResponse, UpstreamTransport } from '../../upstream-transport';
import { OpenAICompatibleAdapter } from '../openai-compatible.adapter';
import type { OpenAICompatibleSettings } from '../openai-compatible.api';

export function fixtureText(name: string): string {
  return readFileSync(path.join(__dirname, name), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

export interface RecordedCall {
  readonly url: string;
  readonly method: string | undefined;
  readonly headers: Headers;
  readonly body: unknown;
  /** The body as sent (multipart bytes included). */
  readonly rawBody: unknown;
  readonly signal: AbortSignal;
}

/** A reply: a ready response, a network failure, or a function of the request's signal. */
export type Reply = Response | Error | ((signal: AbortSignal) => Promise<Response>);

export class FakeFetch {
  readonly calls: RecordedCall[] = [];
  private readonly replies: Reply[];

  constructor(replies: readonly Reply[]) {
    this.replies = [...replies];
  }

  readonly fetch: typeof fetch = (input, init) => {
    const signal = init?.signal ?? new AbortController().signal;
    this.calls.push({
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      method: init?.method,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      rawBody: init?.body,
      signal,
    });
    const reply = this.replies.shift();
    if (reply === undefined) return Promise.reject(new Error(`unexpected fetch #${this.calls.length}`));
    if (reply instanceof Error) return Promise.reject(reply);
    if (reply instanceof Response) return Promise.resolve(reply);
    return reply(signal);
  };

  /** The adapter's side: each request goes through `fetch` above, its answer comes back as undici's would. */
  readonly transport: UpstreamTransport = async ({ url, headers, body, signal: callSignal }) => {
    const signal = abortSignalOf(callSignal);
    return asUpstreamResponse(await this.fetch(url, { method: 'POST', headers, body, signal }), signal);
  };
}

/** `signal` as a WHATWG `AbortSignal` that follows it: what the fake's `fetch` and replies take. */
export function abortSignalOf(signal: UpstreamSignal): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  const controller = new AbortController();
  onAbort(signal, () => controller.abort(signal.reason));
  return controller.signal;
}

/**
 * A `Response` as `UpstreamTransport` answers: the body as a Node stream that errors with the signal's
 * reason once the signal aborts (the transport's contract); destroying it cancels the web stream.
 */
export function asUpstreamResponse(response: Response, signal: AbortSignal): UpstreamResponse {
  const body = response.body
    ? Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
    : new Readable({
        read() {
          this.push(null);
        },
      });
  const abort = () => body.destroy(signal.reason as Error);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return { status: response.status, headers: response.headers, body };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function openAiError(message: string, type: string, param: string | null, code: string | null): unknown {
  return { error: { message, type, param, code } };
}

export interface SseBody {
  readonly response: Response;
  /** True once the consumer cancelled the body (the upstream connection would be closed). */
  readonly cancelled: () => boolean;
}

/**
 * A `text/event-stream` response delivering `parts` one read at a time. With `hang`, the body stays open
 * after the last part. Like a real fetch body, it errors with the signal's reason when `signal` aborts.
 */
export function sseBody(
  parts: readonly string[],
  options: { readonly signal?: AbortSignal; readonly hang?: boolean; readonly headers?: Record<string, string> } = {},
): SseBody {
  const encoder = new TextEncoder();
  const queue = [...parts];
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      options.signal?.addEventListener('abort', () => controller.error(options.signal?.reason), { once: true });
    },
    pull(controller) {
      const next = queue.shift();
      if (next !== undefined) controller.enqueue(encoder.encode(next));
      else if (options.hang) return new Promise<void>(() => undefined);
      else controller.close();
      return undefined;
    },
    cancel() {
      cancelled = true;
    },
  });
  const response = new Response(stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', ...options.headers },
  });
  return { response, cancelled: () => cancelled };
}

export function settings(overrides: Partial<OpenAICompatibleSettings> = {}): OpenAICompatibleSettings {
  return {
    baseUrl: 'https://api.openai.com/v1',
    apiKey: 'sk-gateway-test-key',
    keys: [],
    chatCompletionsPath: '/chat/completions',
    query: {},
    authHeader: 'bearer',
    headers: {},
    timeouts: { connectMs: 1_000, firstByteMs: 5_000, idleMs: 2_000, totalMs: 60_000 },
    ...overrides,
  };
}

export const TEST_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 2_000 };

export function harness(
  replies: readonly Reply[],
  options: {
    readonly settings?: Partial<OpenAICompatibleSettings>;
    readonly retry?: RetryPolicy;
    readonly onRetry?: (provider: string) => void;
  } = {},
) {
  const fake = new FakeFetch(replies);
  const sleeps: number[] = [];
  const timers = new ManualTimers();
  const adapter = new OpenAICompatibleAdapter(
    'openai',
    settings(options.settings),
    { inputAudioFormats: ['wav', 'mp3'], streamingAudioFormats: ['pcm16'] },
    {
      transport: fake.transport,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0,
      retry: options.retry ?? TEST_RETRY,
      timers,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    },
  );
  return { adapter, fake, sleeps, timers };
}

export function chatRequest(overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return {
    model: 'gpt-4o-audio-preview-2025-06-03',
    modalities: ['text', 'audio'],
    audio: { voice: 'alloy', format: 'wav' },
    messages: [{ role: 'user', content: 'Say hi.' }],
    ...overrides,
  };
}

export function callContext(overrides: { requestId?: string; signal?: AbortSignal } = {}) {
  return {
    requestId: overrides.requestId ?? 'req_gateway_1',
    signal: overrides.signal ?? new AbortController().signal,
  };
}

/** A minimal valid completion, for tests that are about the request rather than the answer. */
export function completionBody(): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1729231143,
    model: 'gpt-4o-audio-preview-2025-06-03',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hi!', refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
  };
}

/** Rejection of `promise`, or a failure if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
