import { once } from 'node:events';
import { encodeSseData, SSE_DONE } from '@voxgate/openai-wire';
import type { RelayEvent } from '@voxgate/conversation';
import type { FastifyReply } from 'fastify';
import { openaiHeaders } from '../http/response-headers';

/** How a stream ended, for the access log and metering. */
export type StreamEnd = 'completed' | 'upstream_error' | 'client_disconnected';

/** An SSE comment: ignored by every SSE client (the SDKs too), but it keeps idle connections open. */
const KEEP_ALIVE = ': keep-alive\n\n';

/**
 * Writes a chat-completion stream on a hijacked Fastify reply: headers at once, one `data:` event per
 * chunk as it arrives (waiting on `drain` when the client reads slowly, so memory stays bounded), then
 * `data: [DONE]`; or, after an in-band error event, just the end of the stream. When the client goes
 * away the iterator is closed, which cancels the upstream request. While no event comes for
 * `keepAliveMs` (the model thinks, server tools run), a `: keep-alive` comment is written each time.
 */
export async function writeSse(
  reply: FastifyReply,
  events: AsyncIterable<RelayEvent>,
  extraHeaders: Record<string, string>,
  signal: AbortSignal,
  keepAliveMs = 0,
  /** Runs once every event is written and before `data: [DONE]`, when the stream completed. Must not throw. */
  beforeDone?: () => Promise<void>,
): Promise<StreamEnd> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...openaiHeaders(reply),
    ...extraHeaders,
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
  const quiet = () => keepAlive?.refresh();
  const closed = new Promise<'closed'>((resolve) =>
    signal.addEventListener('abort', () => resolve('closed'), { once: true }),
  );
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), closed]);
      if (next === 'closed') return 'client_disconnected';
      if (next.done) break;
      const event = next.value;
      if (event.type === 'error') {
        raw.end(encodeSseData(JSON.stringify({ error: event.error })));
        return 'upstream_error';
      }
      quiet();
      if (!raw.write(encodeSseData(JSON.stringify(event.chunk)))) {
        const drained = await Promise.race([once(raw, 'drain').then(() => 'drained' as const), closed]);
        if (drained === 'closed') return 'client_disconnected';
      }
    }
    await beforeDone?.();
    raw.end(encodeSseData(SSE_DONE));
    return 'completed';
  } finally {
    if (keepAlive) clearInterval(keepAlive);
    // Closing the iterator runs the provider stream's cleanup, which cancels the upstream body.
    void iterator.return?.(undefined)?.catch(() => undefined);
    if (!raw.writableEnded) raw.end();
  }
}
