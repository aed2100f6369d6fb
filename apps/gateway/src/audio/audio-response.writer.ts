import { encodeSseData, GatewayError, type OpenAIError } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '@voxgate/providers';
import type { FastifyReply } from 'fastify';
import { openaiHeaders } from '../http/response-headers';
import { drained } from '../http/socket-drained';

/** How a written audio response ended. */
export type AudioStreamEnd = 'completed' | 'upstream_error' | 'client_disconnected' | 'interrupted';

/** The usage status (metering) and span outcome each way an audio response can end stands for. */
export const AUDIO_END_STATUS = {
  completed: 'completed',
  upstream_error: 'upstream_error',
  client_disconnected: 'cancelled',
  interrupted: 'failed',
} as const satisfies Record<AudioStreamEnd, string>;

/**
 * The first item of `source` before anything is written, so a provider that fails before producing
 * anything still gets a proper JSON error (status, envelope) instead of a cut 200. Rethrows a mid-stream
 * failure as a `GatewayError` (502, the provider's redacted words).
 */
export async function firstOf<T>(source: AsyncIterable<T>): Promise<{ first: T | null; rest: AsyncIterator<T> }> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    const next = await iterator.next();
    return { first: next.done ? null : next.value, rest: iterator };
  } catch (error) {
    throw asGatewayError(error);
  }
}

/** An `UpstreamStreamError` as the error a client is answered with before the first byte. */
export function asGatewayError(error: unknown): unknown {
  if (!(error instanceof UpstreamStreamError)) return error;
  const { message, type, param, code } = error.error;
  return new GatewayError(code === 'upstream_timeout' ? 504 : 502, type, code, message, param);
}

export interface WriteOptions {
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal;
  /**
   * How long one write may wait for a client that stopped reading (`server.sseMaxSilenceMs`; 0 or unset:
   * no bound). Past it the socket is destroyed and the response ends as `client_disconnected`, so a reader
   * that never reads cannot pin the provider call, its quota slot and its buffers.
   */
  readonly maxSilenceMs?: number;
  /**
   * Runs once, after every piece the client gets is written and before the write that ends the response
   * (the body's end; for events, the in-band error), with how it ended; not when the client left. The
   * doors free the request's stream slot here (`StreamLeaseKeeper.release`). Must not throw.
   */
  readonly beforeEnd?: (end: Exclude<AudioStreamEnd, 'client_disconnected'>) => Promise<void>;
}

/** `end`, once `beforeEnd` ran for it (not for a client that left). */
async function ending(end: AudioStreamEnd, options: WriteOptions): Promise<AudioStreamEnd> {
  if (end !== 'client_disconnected') await options.beforeEnd?.(end);
  return end;
}

/** Waits for the socket to drain, at most `ms` (0: unbounded); false when it did not and was destroyed. */
async function drainedWithin(raw: FastifyReply['raw'], ms: number): Promise<boolean> {
  if (ms <= 0) {
    await drained(raw);
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  try {
    if ((await Promise.race([drained(raw).then(() => false), timedOut])) === false) return true;
  } finally {
    clearTimeout(timer);
  }
  raw.destroy();
  return false;
}

/**
 * Writes a binary body on a hijacked reply (`Transfer-Encoding: chunked`), each piece as it comes,
 * waiting on `drain` for slow readers. A provider failing mid-way can no longer change the status: the
 * connection is cut, so the client sees a truncated body rather than a file that looks complete.
 */
export async function writeBinary(
  reply: FastifyReply,
  first: Uint8Array | null,
  rest: AsyncIterator<Uint8Array>,
  contentType: string,
  options: WriteOptions,
): Promise<{ end: AudioStreamEnd; error: OpenAIError | null }> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...openaiHeaders(reply), ...options.headers, 'content-type': contentType });
  const write = async (bytes: Uint8Array): Promise<boolean> => {
    if (bytes.length === 0 || raw.write(bytes)) return !options.signal.aborted;
    if (!(await drainedWithin(raw, options.maxSilenceMs ?? 0))) return false;
    return !options.signal.aborted && !raw.destroyed;
  };
  try {
    if (first && !(await write(first))) return { end: await ending(endOf(options.signal), options), error: null };
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      if (!(await write(next.value))) return { end: await ending(endOf(options.signal), options), error: null };
    }
    await ending('completed', options);
    raw.end();
    return { end: 'completed', error: null };
  } catch (error) {
    if (options.signal.aborted) return { end: await ending(endOf(options.signal), options), error: null };
    await ending('upstream_error', options);
    raw.destroy();
    return { end: 'upstream_error', error: error instanceof UpstreamStreamError ? error.error : null };
  } finally {
    await rest.return?.(undefined)?.catch(() => undefined);
    if (!raw.writableEnded && !raw.destroyed) raw.destroy();
  }
}

/**
 * Writes server-sent events (`data: <JSON>` each), built from the items of `rest` by `toEvent`, then the
 * events of `closing()` once the source is exhausted. A failure mid-way is written in-band as
 * `data: {"error": {…}}`, which the SDKs raise; nothing else follows it.
 */
export async function writeEvents<T>(
  reply: FastifyReply,
  first: T | null,
  rest: AsyncIterator<T>,
  toEvent: (item: T) => unknown,
  closing: () => Promise<readonly unknown[]> | readonly unknown[],
  options: WriteOptions,
): Promise<{ end: AudioStreamEnd; error: OpenAIError | null }> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...openaiHeaders(reply),
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();
  const send = async (event: unknown): Promise<boolean> => {
    if (raw.write(encodeSseData(JSON.stringify(event)))) return !options.signal.aborted;
    if (!(await drainedWithin(raw, options.maxSilenceMs ?? 0))) return false;
    return !options.signal.aborted && !raw.destroyed;
  };
  try {
    if (first !== null && !(await send(toEvent(first))))
      return { end: await ending(endOf(options.signal), options), error: null };
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      if (!(await send(toEvent(next.value)))) return { end: await ending(endOf(options.signal), options), error: null };
    }
    for (const event of await closing())
      if (!(await send(event))) return { end: await ending(endOf(options.signal), options), error: null };
    await ending('completed', options);
    raw.end();
    return { end: 'completed', error: null };
  } catch (error) {
    if (options.signal.aborted) {
      const reason: unknown = options.signal.reason;
      const end = await ending(endOf(options.signal), options);
      if (reason instanceof GatewayError) raw.end(encodeSseData(JSON.stringify(reason.toJSON())));
      return { end, error: null };
    }
    const openAIError: OpenAIError =
      error instanceof UpstreamStreamError
        ? error.error
        : error instanceof GatewayError
          ? error.toOpenAIError()
          : { message: 'The server had an error while streaming.', type: 'server_error', param: null, code: null };
    await ending('upstream_error', options);
    raw.end(encodeSseData(JSON.stringify({ error: openAIError })));
    return { end: 'upstream_error', error: openAIError };
  } finally {
    await rest.return?.(undefined)?.catch(() => undefined);
    if (!raw.writableEnded && !raw.destroyed) raw.end();
  }
}

function endOf(signal: AbortSignal): AudioStreamEnd {
  return signal.reason instanceof GatewayError ? 'interrupted' : 'client_disconnected';
}
