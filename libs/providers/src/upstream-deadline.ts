import type { ProviderTimeouts } from '@voxgate/config';
import type { UpstreamTimeoutPhase } from '@voxgate/openai-wire';

/** Schedules callbacks. Injected so tests move time by hand instead of waiting. */
export interface Timers {
  /** Calls `callback` once after `ms`, unless the returned function is called first. */
  schedule(ms: number, callback: () => void): () => void;
}

export const systemTimers: Timers = {
  schedule: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** The abort reason of a call whose timeout ran out. */
export class UpstreamTimeoutError extends Error {
  constructor(
    readonly phase: UpstreamTimeoutPhase,
    readonly ms: number,
  ) {
    super(`upstream ${phase} timeout after ${ms} ms`);
    this.name = 'UpstreamTimeoutError';
  }
}

/**
 * The timeouts of one upstream call (retries included). `totalMs` runs from construction to `finish`;
 * at most one phase timer runs besides it: waiting for the response to start (`firstByteMs`) or for the
 * next read of its body (`idleMs`). `signal` aborts when the caller's signal does or a timer runs out,
 * then with an `UpstreamTimeoutError` as its reason. The connect timeout belongs to the HTTP dispatcher
 * (see `upstreamFetch`): only it knows when a connection opened.
 */
export class UpstreamDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly cancelTotal: () => void;
  private cancelPhase: () => void = noop;

  constructor(
    private readonly timeouts: ProviderTimeouts,
    private readonly timers: Timers,
    caller: AbortSignal,
  ) {
    this.signal = AbortSignal.any([caller, this.controller.signal]);
    this.cancelTotal = timers.schedule(timeouts.totalMs, () => this.expire('total', timeouts.totalMs));
  }

  /** Starts the wait for the response's status line (one per attempt). */
  awaitFirstByte(): void {
    this.arm('first_byte', this.timeouts.firstByteMs);
  }

  /** Starts the wait for the next body read; stopped by `pause` once it arrived. */
  awaitNextRead(): void {
    this.arm('idle', this.timeouts.idleMs);
  }

  /** Stops the phase timer: the gateway, not the provider, is what the call waits on now (a retry's backoff, a slow client). */
  pause(): void {
    this.cancelPhase();
    this.cancelPhase = noop;
  }

  /** Stops every timer. Idempotent; the call is over. */
  finish(): void {
    this.pause();
    this.cancelTotal();
  }

  /** The timeout that ended the call, or null. */
  get expired(): UpstreamTimeoutError | null {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof UpstreamTimeoutError ? reason : null;
  }

  private arm(phase: UpstreamTimeoutPhase, ms: number): void {
    this.pause();
    this.cancelPhase = this.timers.schedule(ms, () => this.expire(phase, ms));
  }

  private expire(phase: UpstreamTimeoutPhase, ms: number): void {
    if (!this.signal.aborted) this.controller.abort(new UpstreamTimeoutError(phase, ms));
  }
}

/**
 * The bytes of `body`, each read bounded by the deadline's idle timeout (armed only while waiting on the
 * provider, so a slow consumer never counts as a silent provider). Throws the signal's reason as soon as
 * the deadline's signal aborts, whether or not the body itself notices; the body is cancelled on exit.
 *
 * Pull-based: the next `read()` is issued only when the consumer asks for the next chunk, so while the
 * consumer waits on a slow client nothing more is read and the HTTP client stops reading the socket once
 * its own small buffer is full (undici: one 16 KiB stream high-water mark); the provider's TCP window
 * closes and it stops sending. Each chunk is released as soon as the consumer let go of it.
 */
export async function* readWithin(
  body: ReadableStream<Uint8Array>,
  deadline: UpstreamDeadline,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  const { signal } = deadline;
  try {
    for (;;) {
      deadline.awaitNextRead();
      const read = await readOrAbort(reader, signal);
      deadline.pause();
      if (read.done) return;
      yield read.value;
    }
  } finally {
    deadline.pause();
    await reader.cancel().catch(noop);
  }
}

/**
 * The reader's next read, or a rejection with the signal's reason once it aborts. The abort listener
 * lives for one read only: a `Promise.race` against one promise that lives as long as the stream would
 * add a reaction to it per read, each keeping its read's bytes reachable until the stream ends.
 */
function readOrAbort(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal,
): ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    reader
      .read()
      .finally(() => signal.removeEventListener('abort', onAbort))
      .then(resolve, reject);
  });
}

function noop(): void {}
