import { once } from 'node:events';
import { encodeSseData, Errors, GatewayError, SSE_DONE } from '@voxgate/openai-wire';
import type { RelayEvent } from '@voxgate/conversation';
import type { FastifyReply } from 'fastify';
import { openaiHeaders } from '../http/response-headers';

/**
 * How a stream ended, for the access log and metering: `interrupted` when the gateway itself ended it
 * (shutdown deadline, `maxSilenceMs` without progress), with the reason written in-band.
 */
export type StreamEnd = 'completed' | 'upstream_error' | 'client_disconnected' | 'interrupted';

/** An SSE comment: ignored by every SSE client (the SDKs too), but it keeps idle connections open. */
const KEEP_ALIVE = ': keep-alive\n\n';
/** How long an interrupted stream waits for its pipeline to wind down (so its summary is final). */
const WIND_DOWN_MS = 500;

export interface SseOptions {
  /** Headers added to the 200 (rate limits, session, route). */
  readonly headers: Record<string, string>;
  /**
   * The request's controller; the pipeline producing the events must stop when its signal aborts. Aborted
   * with a `ClientDisconnectedError` the stream just stops; aborted with a `GatewayError` (the shutdown
   * deadline) that error is written in-band as the last event.
   */
  readonly abort: AbortController;
  /** Write `: keep-alive` after this much silence; 0: never. */
  readonly keepAliveMs?: number;
  /**
   * End the stream once it made no progress for this long (no event came, no write drained): `abort` is
   * aborted with `Errors.streamSilent`, written in-band. Keep-alives never outlive it. 0: no bound.
   */
  readonly maxSilenceMs?: number;
  /** Runs once every event is written and before `data: [DONE]`, when the stream completed. Must not throw. */
  readonly beforeDone?: () => Promise<void>;
}

/**
 * Writes a chat-completion stream on a hijacked Fastify reply: headers at once, one `data:` event per
 * chunk as it arrives (waiting on `drain` when the client reads slowly, so memory stays bounded), then
 * `data: [DONE]`; or, after an in-band error event, just the end of the stream. When the client goes
 * away the iterator is closed, which cancels the upstream request. While no event comes for
 * `keepAliveMs` (the model thinks, server tools run), a `: keep-alive` comment is written each time, but
 * only until `maxSilenceMs` without progress: then the stream ends with an in-band `stream_timeout`.
 *
 * An interrupted stream resolves only once its pipeline wound down (at most `WIND_DOWN_MS`), so the
 * relay's summary holds what was generated when the caller meters and stores it.
 */
export async function writeSse(
  reply: FastifyReply,
  events: AsyncIterable<RelayEvent>,
  options: SseOptions,
): Promise<StreamEnd> {
  const { signal } = options.abort;
  const keepAliveMs = options.keepAliveMs ?? 0;
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

  const iterator = events[Symbol.asyncIterator]();
  const keepAlive =
    keepAliveMs > 0
      ? setInterval(() => {
          if (!raw.writableEnded && raw.writableLength === 0) raw.write(KEEP_ALIVE);
        }, keepAliveMs)
      : null;
  const maxSilenceMs = options.maxSilenceMs ?? 0;
  const silence =
    maxSilenceMs > 0
      ? setTimeout(() => options.abort.abort(Errors.streamSilent(Math.round(maxSilenceMs / 1000))), maxSilenceMs)
      : null;
  const quiet = () => {
    keepAlive?.refresh();
    silence?.refresh();
  };
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  let end: StreamEnd | null = null;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted') return (end = interruptedBy(signal.reason, raw));
      if (next.done) break;
      const event = next.value;
      if (event.type === 'error') {
        // The upstream failing because the gateway aborted it is the gateway's interruption, not its error.
        if (signal.aborted) return (end = interruptedBy(signal.reason, raw));
        raw.end(encodeSseData(JSON.stringify({ error: event.error })));
        return (end = 'upstream_error');
      }
      quiet();
      if (!raw.write(encodeSseData(JSON.stringify(event.chunk)))) {
        const drained = await Promise.race([once(raw, 'drain').then(() => 'drained' as const), aborted]);
        if (drained === 'aborted') return (end = interruptedBy(signal.reason, raw));
        silence?.refresh();
      }
    }
    await options.beforeDone?.();
    raw.end(encodeSseData(SSE_DONE));
    return (end = 'completed');
  } finally {
    if (keepAlive) clearInterval(keepAlive);
    if (silence) clearTimeout(silence);
    // Closing the iterator runs the provider stream's cleanup, which cancels the upstream body. A generator
    // waiting on a stalled upstream only runs it once the abort reached that wait, hence the signal first.
    const closing = Promise.resolve(iterator.return?.(undefined)).catch(() => undefined);
    if (end === 'interrupted') await Promise.race([closing, delay(WIND_DOWN_MS)]);
    if (!raw.writableEnded) raw.end();
  }
}

/** Ends the wire for an aborted stream: the gateway's reason in-band, or nothing when the client left. */
function interruptedBy(reason: unknown, raw: FastifyReply['raw']): StreamEnd {
  if (!(reason instanceof GatewayError)) return 'client_disconnected';
  raw.end(encodeSseData(JSON.stringify(reason.toJSON())));
  return 'interrupted';
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
