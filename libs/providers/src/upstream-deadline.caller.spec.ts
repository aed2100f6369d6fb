import { ManualTimers } from './__fixtures__/manual-timers';
import { CallAbort, type UpstreamSignal } from './call-abort';
import { UpstreamDeadline } from './upstream-deadline';

const TIMEOUTS = { connectMs: 1_000, firstByteMs: 1_000, idleMs: 100, totalMs: 60_000 };

/** Listeners the caller holds: a CallAbort counts them itself; an AbortSignal is counted through a spy. */
function listened(caller: UpstreamSignal): () => number {
  if (caller instanceof CallAbort) return () => caller.listenerCount('abort');
  let count = 0;
  const add = caller.addEventListener.bind(caller);
  const remove = caller.removeEventListener.bind(caller);
  jest.spyOn(caller, 'addEventListener').mockImplementation((...args: Parameters<AbortSignal['addEventListener']>) => {
    count++;
    add(...args);
  });
  jest
    .spyOn(caller, 'removeEventListener')
    .mockImplementation((...args: Parameters<AbortSignal['removeEventListener']>) => {
      count--;
      remove(...args);
    });
  return () => count;
}

describe.each([
  ["the HTTP route's CallAbort", () => new CallAbort()],
  ['an AbortController (realtime, batch)', () => new AbortController()],
])('UpstreamDeadline following %s', (_kind, make) => {
  const callerOf = (abort: CallAbort | AbortController): UpstreamSignal =>
    abort instanceof CallAbort ? abort : abort.signal;

  it('aborts the call with the caller’s reason, and stops listening once finished', () => {
    const abort = make();
    const caller = callerOf(abort);
    const listeners = listened(caller);
    const deadline = new UpstreamDeadline(TIMEOUTS, new ManualTimers(), caller);
    expect(listeners()).toBe(1);

    const reason = new Error('client left');
    abort.abort(reason);
    expect([deadline.signal.aborted, deadline.signal.reason]).toEqual([true, reason]);

    const later = make();
    const laterCaller = callerOf(later);
    const laterListeners = listened(laterCaller);
    const finished = new UpstreamDeadline(TIMEOUTS, new ManualTimers(), laterCaller);
    finished.finish();
    expect(laterListeners()).toBe(0);
    later.abort(new Error('after the call'));
    expect(finished.signal.aborted).toBe(false);
  });

  it('starts aborted for a caller that already was', () => {
    const abort = make();
    abort.abort('gone');
    const deadline = new UpstreamDeadline(TIMEOUTS, new ManualTimers(), callerOf(abort));
    expect([deadline.signal.aborted, deadline.signal.reason]).toEqual([true, 'gone']);
  });
});
