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
 */
export async function* readWithin(
  body: ReadableStream<Uint8Array>,
  deadline: UpstreamDeadline,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  const { signal } = deadline;
  let onAbort = noop;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(noop);
  try {
    for (;;) {
      deadline.awaitNextRead();
      const read = await Promise.race([reader.read(), aborted]);
      deadline.pause();
      if (read.done) return;
      yield read.value;
    }
  } finally {
    deadline.pause();
    signal.removeEventListener('abort', onAbort);
    await reader.cancel().catch(noop);
  }
}

function noop(): void {}
