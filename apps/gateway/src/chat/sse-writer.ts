import { batchesOf, ChunkJson, encodeSseData, Errors, GatewayError, SSE_DONE } from '@voxgate/openai-wire';
import type { RelayEvent } from '@voxgate/conversation';
import { onAbort, type RequestAbort, signalOf, type UpstreamSignal } from '@voxgate/providers';
import type { FastifyReply } from 'fastify';
import { openaiHeaders } from '../http/response-headers';
import { drained } from '../http/socket-drained';

/**
 * How a stream ended, for the access log and metering: `interrupted` when the gateway itself ended it
 * (shutdown deadline, `maxSilenceMs` without progress), with the reason written in-band.
 */
export type StreamEnd = 'completed' | 'upstream_error' | 'client_disconnected' | 'interrupted';

/** An SSE comment: ignored by every SSE client (the SDKs too), but it keeps idle connections open. */
const KEEP_ALIVE = ': keep-alive\n\n';
/** How long an interrupted stream waits for its pipeline to wind down (so its summary is final). */
const WIND_DOWN_MS = 500;
/**
 * How long a stream's last events may wait for `beforeEnd` (a Redis round trip, normally well under a
 * millisecond) so that they leave with the stream's end in one write; past it they are written alone.
 */
const TAIL_HOLD_MS = 10;
/** What makes the response an event stream that proxies pass through unbuffered. */
const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};
/** Settled by `untilAborted` when the signal won. */
const ABORTED = Symbol('aborted');

export interface SseOptions {
  /** Headers added to the 200 (rate limits, session, route). */
  readonly headers: Record<string, string>;
  /**
   * The request's controller; the pipeline producing the events must stop when its signal aborts. Aborted
   * with a `ClientDisconnectedError` the stream just stops; aborted with a `GatewayError` (the shutdown
   * deadline) that error is written in-band as the last event. Followed without making a WHATWG signal
   * for a `CallAbort` (`signalOf`).
   */
  readonly abort: RequestAbort;
  /** Write `: keep-alive` after this much silence; 0: never. */
  readonly keepAliveMs?: number;
  /**
   * End the stream once it made no progress for this long (no event came, no write drained): `abort` is
   * aborted with `Errors.streamSilent`, written in-band. Keep-alives never outlive it. 0: no bound.
   */
  readonly maxSilenceMs?: number;
  /**
   * Runs once, after every event the client gets was taken from `events` and before the write that tells
   * it the stream is over: `data: [DONE]` (`completed`), the upstream's in-band error (`upstream_error`),
   * the gateway's in-band error (`interrupted`); not when the client left. Must not throw. The events of
   * the last turn that are still queued wait for it (`TAIL_HOLD_MS` at most) and leave with that write.
   */
  readonly beforeEnd?: (end: Exclude<StreamEnd, 'client_disconnected'>) => Promise<void>;
  /**
   * Send the first events (with the headers) as soon as they are encoded, rather than with what the rest of
   * their turn adds (a provider's first read may hold many events): the client's time to first token, for
   * a write of their own, which costs about a quarter more CPU per stream under saturation (measured, see
   * docs/performance.md). For a process with CPU to spare (`EventLoopLoad`).
   */
  readonly firstEventsAtOnce?: boolean;
}

/**
 * Writes a chat-completion stream on a hijacked Fastify reply: the headers with the first event (at the end
 * of the current turn at the latest), one `data:` event per chunk as it arrives, then `data: [DONE]`; or,
 * after an in-band error event, just the end of the stream. When the client goes away the iterator is
 * closed, which cancels the upstream request.
 *
 * Events are pulled a batch at a time when `events` is `Batchable` (the events of one read of the
 * provider's body), else one at a time.
 *
 * Backpressure: the next batch is pulled from `events` only once the previous one was written and taken.
 * When `write` returns false (the socket's buffer is over its high-water mark, 16 KiB: the client reads
 * slower than the upstream writes) the writer waits for `drain` before pulling again, so the whole pipeline
 * behind it (relay, audio conversion, SSE decoding, the upstream body reader) stops and the provider's
 * TCP window closes; what a stream holds in user space stays at one high-water mark plus the chunks in
 * flight, at most one read of the provider's body (see docs/deployment.md, "Slow clients"). Keep-alive comments are written only while nothing
 * waits in that buffer, so they never queue behind a blocked socket.
 *
 * Progress, for `maxSilenceMs`: an event arriving from the pipeline, or a blocked write draining. A client
 * that stops reading therefore counts as silence like a stalled upstream: after `maxSilenceMs` the stream
 * ends with an in-band `stream_timeout` and its upstream call is cancelled. While no event comes for
 * `keepAliveMs` (the model thinks, server tools run), a `: keep-alive` comment is written each time, but
 * only until `maxSilenceMs` without progress.
 *
 * After the last write the socket may still hold the stream's tail for a slow client; if it has not
 * flushed within `maxSilenceMs` (within `WIND_DOWN_MS` when the stream ended for silence: its client is
 * known not to read) the socket is destroyed, so a client that never reads cannot pin it forever.
 *
 * An interrupted stream's in-band error is written, after `beforeEnd`, only once its pipeline wound down
 * (at most `WIND_DOWN_MS`), so the relay's summary holds what was generated when the caller stores and
 * meters it there.
 */
export async function writeSse(
  reply: FastifyReply,
  events: AsyncIterable<RelayEvent>,
  options: SseOptions,
): Promise<StreamEnd> {
  const signal = signalOf(options.abort);
  const keepAliveMs = options.keepAliveMs ?? 0;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, Object.assign(openaiHeaders(reply), options.headers, SSE_HEADERS));
  // The headers leave with the first event when it is written in this turn (one write, one wake-up of the
  // client instead of two); otherwise, at the end of this turn, so a client still sees its 200 at once
  // while the model thinks.
  let wrote = false;
  const headersAlone = setImmediate(() => {
    if (!wrote && !raw.writableEnded) raw.flushHeaders();
  });

  // A batch at a time: the events one read of the provider's body gave (see `Batchable`).
  const iterator = batchesOf(events);
  const race = new AbortRace(signal);
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
  const turnText = new TurnText(raw);
  const chunkJson = new ChunkJson();
  let end: StreamEnd | null = null;
  // Closing the iterator runs the provider stream's cleanup, which cancels the upstream body. A generator
  // waiting on a stalled upstream only runs it once the abort reached that wait, hence the signal first.
  let closing: Promise<unknown> | null = null;
  const close = () => (closing ??= Promise.resolve(iterator.return?.(undefined)).catch(() => undefined));
  /**
   * Ends the wire for an aborted stream: the gateway's reason in-band, once the pipeline wound down (at
   * most `WIND_DOWN_MS`: `beforeEnd` then sees its final summary), or nothing when the client left.
   */
  const interrupted = async (): Promise<StreamEnd> => {
    const reason: unknown = signal.reason;
    if (!(reason instanceof GatewayError)) return 'client_disconnected';
    await Promise.race([close(), delay(WIND_DOWN_MS)]);
    await turnText.holdDuring(options.beforeEnd?.('interrupted'));
    raw.end(turnText.take() + encodeSseData(JSON.stringify(reason.toJSON())));
    return 'interrupted';
  };
  try {
    for (;;) {
      const next = await race.until(iterator.next());
      if (next === ABORTED) return (end = await interrupted());
      if (next.done) break;
      // Timers read the event loop's clock, the same for every event of one turn: once per turn is enough.
      if (turnText.idle) quiet();
      let accepted = true;
      const first = !wrote;
      for (const event of next.value) {
        if (event.type === 'error') {
          // The upstream failing because the gateway aborted it is the gateway's interruption, not its error.
          if (signal.aborted) return (end = await interrupted());
          await turnText.holdDuring(options.beforeEnd?.('upstream_error'));
          raw.end(turnText.take() + encodeSseData(JSON.stringify({ error: event.error })));
          return (end = 'upstream_error');
        }
        wrote = true;
        // The rest of a batch is written even past the high-water mark: it is already in memory, decoded
        // from one read of the provider's body. No further batch is pulled until the socket drained.
        accepted = turnText.add(encodeSseData(chunkJson.encode(event.chunk))) && accepted;
      }
      // Node's http corks the socket on every write until the next tick: uncorked, the first events leave
      // before the rest of the turn is relayed.
      if (first && wrote && options.firstEventsAtOnce === true) {
        accepted = turnText.flush() && accepted;
        raw.socket?.uncork();
      }
      if (!accepted) {
        if ((await race.until(drained(raw))) === ABORTED) {
          return (end = await interrupted());
        }
        silence?.refresh();
      }
    }
    // The last turn's events, `[DONE]` and the end of the body leave in one write: at once when
    // `beforeEnd` waits on nothing (no slot to free: microtasks only), else once it is done, within
    // `TAIL_HOLD_MS` (a write and a TCP segment less per stream under a `concurrent_streams` limit).
    await turnText.holdDuring(options.beforeEnd?.('completed'));
    raw.end(turnText.take() + encodeSseData(SSE_DONE));
    return (end = 'completed');
  } finally {
    if (end === 'client_disconnected') turnText.take();
    else turnText.flush();
    clearImmediate(headersAlone);
    race.close();
    if (keepAlive) clearInterval(keepAlive);
    if (silence) clearTimeout(silence);
    void close();
    if (!raw.writableEnded) raw.end();
    const silent = signal.reason instanceof GatewayError && signal.reason.code === 'stream_timeout';
    destroyUnlessFlushed(raw, silent ? WIND_DOWN_MS : maxSilenceMs);
  }
}

/**
 * The events of one turn of the event loop, written to the response as one string at the end of the turn
 * (`process.nextTick`, when Node itself would send what a turn wrote): one chunk of the chunked encoding
 * instead of three buffers per event, for the upstream events that one read of its body delivered.
 *
 * Backpressure is kept: when the socket's buffer and the turn's events together may reach the socket's
 * high-water mark (counting 3 bytes per character, UTF-8's most), they are written at once and `write`'s own
 * answer is returned (false: the caller waits for `drain` before pulling another event); below that bound
 * an unbatched `write` would have answered true. So no event is pulled that an unbatched writer would not
 * have pulled, up to the chunked encoding's few bytes of framing per event.
 */
class TurnText {
  private text = '';
  private scheduled = false;
  /** Set while the stream's end waits (`holdDuring`): the queued events wait with it. */
  private holding = false;
  /** Bounds that wait once it is known to be more than microtasks (no timer for an end that waits on nothing). */
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly flushLater = (): void => {
    this.scheduled = false;
    if (!this.holding) this.flush();
    else this.holdTimer = setTimeout(this.stopHolding, TAIL_HOLD_MS);
  };
  private readonly stopHolding = (): void => {
    this.holding = false;
    this.holdTimer = null;
    this.flush();
  };

  constructor(private readonly raw: FastifyReply['raw']) {}

  /** True when no event was queued in this turn yet. */
  get idle(): boolean {
    return !this.scheduled && this.text === '';
  }

  /** Queues `event`; false when the socket is over its high-water mark with it (wait for `drain`). */
  add(event: string): boolean {
    this.text += event;
    const highWaterMark = this.raw.writableHighWaterMark ?? 0;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: below that bound, `write` would answer true.
    if (this.raw.writableLength + this.text.length * 3 < highWaterMark) {
      if (!this.scheduled) {
        this.scheduled = true;
        process.nextTick(this.flushLater);
      }
      return true;
    }
    return this.flush();
  }

  /**
   * Keeps what is queued from being written until `ending` settles, or for `TAIL_HOLD_MS` at most: the
   * caller then ends the response with it (one write for the stream's last events and its end, rather
   * than one before the wait and one after). Rejects as `ending` does.
   */
  async holdDuring(ending: Promise<void> | undefined): Promise<void> {
    // Something queued is always due at the end of this turn (`add`): `flushLater` starts the bound.
    if (ending === undefined || this.text === '') return ending;
    this.holding = true;
    try {
      await ending;
    } finally {
      this.holding = false;
      if (this.holdTimer) clearTimeout(this.holdTimer);
      this.holdTimer = null;
    }
  }

  /** Writes what is queued now; `write`'s answer (true when nothing was queued). */
  flush(): boolean {
    if (this.text === '' || this.raw.writableEnded) return true;
    return this.raw.write(this.take());
  }

  /** What is queued, no longer queued (to end the response with it, or to drop it). */
  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }
}

/**
 * Races each awaited promise of one stream against its abort signal, with one `abort` listener for the
 * whole stream rather than one added and removed per event (an `EventTarget` listener is not cheap, and a
 * stream awaits once per chunk).
 *
 * `until(promise)`: `promise`'s value, or `ABORTED` once the signal aborts (at once when it already has).
 * Only one `until` is pending at a time. Unlike a `Promise.race` against one promise that lives as long
 * as the stream, it leaves nothing behind: such a race adds a reaction to the long-lived promise per call,
 * and each reaction keeps its settled value (a whole chunk) reachable until the stream ends; here only
 * the pending call's resolver is held.
 */
class AbortRace {
  private settle: ((value: typeof ABORTED) => void) | null = null;
  private readonly unfollow: () => void;

  constructor(private readonly signal: UpstreamSignal) {
    this.unfollow = onAbort(signal, () => {
      this.settle?.(ABORTED);
      this.settle = null;
    });
  }

  until<T>(promise: Promise<T>): Promise<T | typeof ABORTED> {
    if (this.signal.aborted) {
      promise.catch(() => undefined);
      return Promise.resolve(ABORTED);
    }
    return new Promise<T | typeof ABORTED>((resolve, reject) => {
      this.settle = resolve;
      promise.then(resolve, reject);
    });
  }

  close(): void {
    this.unfollow();
    this.settle = null;
  }
}

/** Destroys the response's socket unless its buffered tail reached the client within `ms` (0: never). */
function destroyUnlessFlushed(raw: FastifyReply['raw'], ms: number): void {
  if (ms <= 0 || raw.writableFinished || raw.destroyed) return;
  const timer = setTimeout(() => raw.destroy(), ms).unref();
  const settled = () => {
    clearTimeout(timer);
    raw.off('finish', settled);
    raw.off('close', settled);
  };
  raw.on('finish', settled);
  raw.on('close', settled);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
