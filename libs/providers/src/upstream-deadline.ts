import type { Readable } from 'node:stream';
import type { ProviderTimeouts } from '@voxgate/config';
import type { UpstreamTimeoutPhase } from '@voxgate/openai-wire';
import { CallAbort, onAbort, type UpstreamSignal } from './call-abort';

/** Schedules callbacks and reads the clock they run on. Injected so tests move time by hand instead of waiting. */
export interface Timers {
  /** Calls `callback` once after `ms`, unless the returned function is called first. */
  schedule(ms: number, callback: () => void): () => void;
  /** Milliseconds on a monotonic clock, the one `schedule` counts on. */
  now(): number;
}

export const systemTimers: Timers = {
  schedule: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
  now: () => performance.now(),
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
 * then with an `UpstreamTimeoutError` as its reason; it follows the caller's signal until `finish`. The
 * connect timeout belongs to the HTTP dispatcher (see `upstreamTransport`): only it knows when a
 * connection opened.
 *
 * The phase timer is armed again for every read of a stream's body, so it is lazy: arming or pausing only
 * moves the phase's end; the one timer of the call is rescheduled when it must fire earlier than it would,
 * and when it fires before the phase's (moved) end. A stream's reads then cost no timer each, and a phase
 * still runs out within the timer's precision of its end.
 */
export class UpstreamDeadline {
  /** The call's abort, given to the transport (a `CallAbort`: see there why not an `AbortController`). */
  readonly signal = new CallAbort();
  private readonly cancelTotal: () => void;
  /** The running phase, and when it runs out (`Infinity`: none runs). */
  private phase: UpstreamTimeoutPhase = 'idle';
  private phaseMs = 0;
  private phaseEnd = Infinity;
  /** When the phase timer fires (`Infinity`: not scheduled), and how to cancel it. */
  private timerAt = Infinity;
  private cancelTimer: () => void = noop;
  private readonly onTimer = (): void => {
    this.timerAt = Infinity;
    this.cancelTimer = noop;
    if (this.phaseEnd === Infinity) return;
    if (this.timers.now() >= this.phaseEnd) this.expire(this.phase, this.phaseMs);
    else this.schedule(this.phaseEnd);
  };
  /** Stops following the caller's signal. One listener instead of `AbortSignal.any`, which costs far more. */
  private readonly unfollow: () => void;

  constructor(
    private readonly timeouts: ProviderTimeouts,
    private readonly timers: Timers,
    caller: UpstreamSignal,
  ) {
    this.unfollow = onAbort(caller, () => this.signal.abort(caller.reason));
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
    this.phaseEnd = Infinity;
  }

  /** Stops every timer and stops following the caller's signal. Idempotent; the call is over. */
  finish(): void {
    this.pause();
    this.cancelTimer();
    this.cancelTimer = noop;
    this.timerAt = Infinity;
    this.cancelTotal();
    this.unfollow();
  }

  /** The timeout that ended the call, or null. */
  get expired(): UpstreamTimeoutError | null {
    const reason = this.signal.reason;
    return reason instanceof UpstreamTimeoutError ? reason : null;
  }

  private arm(phase: UpstreamTimeoutPhase, ms: number): void {
    this.phase = phase;
    this.phaseMs = ms;
    this.phaseEnd = this.timers.now() + ms;
    if (this.phaseEnd < this.timerAt) this.schedule(this.phaseEnd);
  }

  private schedule(at: number): void {
    this.cancelTimer();
    this.timerAt = at;
    this.cancelTimer = this.timers.schedule(Math.max(0, at - this.timers.now()), this.onTimer);
  }

  private expire(phase: UpstreamTimeoutPhase, ms: number): void {
    if (!this.signal.aborted) this.signal.abort(new UpstreamTimeoutError(phase, ms));
  }
}

/**
 * The reads of `body`, one at a time, each bounded by the deadline's idle timeout (armed only while
 * waiting on the provider, so a slow consumer never counts as a silent provider). `body` must error with
 * the deadline signal's reason once that signal aborts (an `UpstreamTransport` body does: the transport
 * was given the signal).
 *
 * Pull-based: the next read is issued only when the consumer asks for it (`next`), so while the consumer
 * waits on a slow client nothing more is read and the HTTP client stops reading the socket once the
 * body's small buffer is full (16 KiB, see `upstreamTransport`); the provider's TCP window closes and it
 * stops sending. Each chunk is released as soon as the consumer let go of it.
 *
 * A class rather than an async generator over the body's own async iterator: a stream of tokens is a read
 * per token, and each generator layer costs a few promises and microtasks per read (about 2–3 µs of the
 * 20 µs a read costs a proxy here). It ends as Node's iterator does: `null` after `end`, the body's error,
 * or `ERR_STREAM_PREMATURE_CLOSE` when it closed before its end.
 */
export class DeadlineReads {
  private failure: Error | undefined = undefined;
  private ended = false;
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly notify = (): void => {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (error: Error): void => {
    this.failure ??= error;
    this.notify();
  };
  private readonly onClose = (): void => {
    if (!this.ended) this.failure ??= prematureClose();
    this.notify();
  };

  constructor(
    private readonly body: Readable,
    private readonly deadline: UpstreamDeadline,
  ) {
    if (body.errored) this.failure = body.errored;
    else if (body.readableEnded) this.ended = true;
    else if (body.destroyed) this.failure = prematureClose();
    body.on('readable', this.notify);
    body.on('end', this.onEnd);
    body.on('error', this.onError);
    body.on('close', this.onClose);
  }

  /** The next read's bytes; null once the body ended. Rejects with the body's error. One call at a time. */
  async next(): Promise<Uint8Array | null> {
    for (;;) {
      const bytes = this.closed || this.body.destroyed ? null : (this.body.read() as Uint8Array | null);
      if (bytes !== null) return bytes;
      if (this.failure !== undefined) throw this.failure;
      if (this.ended || this.closed) return null;
      this.deadline.awaitNextRead();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.deadline.pause();
    }
  }

  /** Stops reading and lets go of the body (`release`). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.deadline.pause();
    this.body.off('readable', this.notify);
    this.body.off('end', this.onEnd);
    this.body.off('error', this.onError);
    this.body.off('close', this.onClose);
    release(this.body);
    this.notify();
  }
}

/** The bytes of `body` as an async iterable, read by `DeadlineReads` (same bounds); the body is released on exit. */
export async function* readWithin(body: Readable, deadline: UpstreamDeadline): AsyncGenerator<Uint8Array> {
  const reads = new DeadlineReads(body, deadline);
  try {
    for (;;) {
      const bytes = await reads.next();
      if (bytes === null) return;
      yield bytes;
    }
  } finally {
    reads.close();
  }
}

/**
 * Lets go of `body`. A body whose last byte already arrived (a stream stopped at `[DONE]`, whose
 * terminator came with it) is left to end, so its connection goes back to the pool without an abort
 * error built per call; any other is destroyed, which closes its connection (undici reports that as an
 * error event, kept from reaching the process as an unhandled one).
 */
export function release(body: Readable): void {
  body.on('error', noop);
  if (body.destroyed || body.readableEnded) return;
  // `ended`: the source pushed its end, only buffered bytes are left (Node has no public flag for it).
  if ((body as { _readableState?: { ended?: boolean } })._readableState?.ended === true) body.resume();
  else body.destroy();
}

function noop(): void {}

/** What Node's stream iterator throws for a body that closed before its end. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
