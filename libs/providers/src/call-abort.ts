import { EventEmitter } from 'node:events';

/**
 * What ends one provider call (`UpstreamRequest.signal`): a WHATWG `AbortSignal`, or a `CallAbort`.
 * Both say `aborted` and `reason`; they are listened to differently (`onAbort` does either).
 */
export type UpstreamSignal = AbortSignal | CallAbort;

/**
 * The abort of one provider call, as undici's `request` takes it for its `signal`: an `EventEmitter` with
 * `aborted` and `reason`, emitting `abort` once. Each call (retries included) needs its own, and
 * `UpstreamDeadline` makes one per call; a WHATWG `AbortController` would cost about 4 µs of CPU there in
 * Node 20 (it builds the signal as an `EventTarget` and then sets its prototype, which V8 pays for on every
 * property stored after) and about 0.3 µs per listener added and removed, against 0.1 µs here for both.
 *
 * Contract: `abort(reason)` sets `aborted` and `reason`, then emits `abort` to the listeners of that
 * moment, once; later calls do nothing. A listener added after the abort is never called: check
 * `aborted` first (`onAbort` does).
 */
export class CallAbort extends EventEmitter {
  private isAborted = false;
  private why: unknown = undefined;

  get aborted(): boolean {
    return this.isAborted;
  }

  /** Why the call was aborted (undefined until it was). */
  get reason(): unknown {
    return this.why;
  }

  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.why = reason;
    this.emit('abort');
  }
}

/**
 * Calls `listener` once when `signal` aborts, or at once when it already has. Returns what stops
 * listening (a no-op once it was called).
 */
export function onAbort(signal: UpstreamSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return noop;
  }
  if (signal instanceof CallAbort) {
    signal.once('abort', listener);
    return () => signal.removeListener('abort', listener);
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

function noop(): void {}
