import { CallAbort, onAbort, signalOf, whatwgSignal } from './call-abort';
import { defaultDeps } from './openai-compatible/openai-compatible.adapter';

describe('CallAbort: the abort of one provider call', () => {
  it('aborts once: the first reason stays, listeners of that moment are told once', () => {
    const call = new CallAbort();
    const told: unknown[] = [];
    call.once('abort', () => told.push(call.reason));
    call.on('abort', () => told.push('on'));
    expect([call.aborted, call.reason]).toEqual([false, undefined]);

    call.abort('first');
    call.abort('second');

    expect([call.aborted, call.reason]).toEqual([true, 'first']);
    expect(told).toEqual(['first', 'on']);
  });
});

describe('CallAbort.signal: the WHATWG view, for APIs that take only an AbortSignal', () => {
  it('is made once, on first use, and aborts with the same reason when the CallAbort does', () => {
    const call = new CallAbort();
    const { signal } = call;
    const told: unknown[] = [];
    signal.addEventListener('abort', () => told.push(signal.reason));
    expect(call.signal).toBe(signal);
    expect(signal.aborted).toBe(false);

    const reason = new Error('client left');
    call.abort(reason);
    call.abort(new Error('later'));

    expect([signal.aborted, signal.reason]).toEqual([true, reason]);
    expect(told).toEqual([reason]);
  });

  it('made after the abort, is already aborted with its reason', () => {
    const call = new CallAbort();
    call.abort('gone');
    expect([call.signal.aborted, call.signal.reason]).toEqual([true, 'gone']);
  });

  it('is what an API of WHATWG signals gets (AbortSignal.any follows it)', () => {
    const call = new CallAbort();
    const combined = AbortSignal.any([whatwgSignal(call), new AbortController().signal]);
    call.abort('why');
    expect([combined.aborted, combined.reason]).toEqual([true, 'why']);
  });
});

describe('signalOf and whatwgSignal', () => {
  it('follow a CallAbort as itself, making no WHATWG signal, and an AbortController by its signal', () => {
    const made = jest.spyOn(CallAbort.prototype, 'signal', 'get');
    try {
      const call = new CallAbort();
      expect(signalOf(call)).toBe(call);
      expect(made).not.toHaveBeenCalled();
      const controller = new AbortController();
      expect(signalOf(controller)).toBe(controller.signal);
      expect(whatwgSignal(controller.signal)).toBe(controller.signal);
      expect(whatwgSignal(call)).toBe(call.signal);
    } finally {
      made.mockRestore();
    }
  });
});

describe.each([
  ['a CallAbort', () => new CallAbort()],
  ['an AbortSignal', () => new AbortController()],
])('onAbort over %s', (_kind, make) => {
  it('calls the listener once when the signal aborts, and not after it stopped listening', () => {
    const first = make();
    const second = make();
    const told: string[] = [];
    onAbort(first instanceof CallAbort ? first : first.signal, () => told.push('first'));
    const stop = onAbort(second instanceof CallAbort ? second : second.signal, () => told.push('second'));

    stop();
    first.abort('why');
    first.abort('again');
    second.abort('why');

    expect(told).toEqual(['first']);
  });

  it('calls the listener at once for a signal that already aborted', () => {
    const aborted = make();
    aborted.abort('gone');
    const told: string[] = [];

    onAbort(aborted instanceof CallAbort ? aborted : aborted.signal, () => told.push('now'));

    expect(told).toEqual(['now']);
  });
});

describe('the adapter’s retry sleep on a CallAbort', () => {
  it('leaves no listener behind once it slept, however many retries wait on one call', async () => {
    const call = new CallAbort();
    for (let retry = 0; retry < 12; retry++) await defaultDeps.sleep(0, call);
    expect(call.listenerCount('abort')).toBe(0);
  });

  it('rejects with the reason of a call aborted before it started waiting', async () => {
    const call = new CallAbort();
    call.abort(new Error('client left'));
    await expect(defaultDeps.sleep(60_000, call)).rejects.toThrow('client left');
  });

  it('rejects with the reason when the call aborts while it waits', async () => {
    const call = new CallAbort();
    const waiting = defaultDeps.sleep(60_000, call);
    call.abort(new Error('timed out'));
    await expect(waiting).rejects.toThrow('timed out');
  });
});
