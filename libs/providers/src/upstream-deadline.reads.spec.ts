import { PassThrough, Readable } from 'node:stream';
import { ManualTimers } from './__fixtures__/manual-timers';
import { DeadlineReads, UpstreamDeadline, UpstreamTimeoutError } from './upstream-deadline';

const TIMEOUTS = { connectMs: 1_000, firstByteMs: 1_000, idleMs: 100, totalMs: 60_000 };

function deadlineOf(timers = new ManualTimers()): { deadline: UpstreamDeadline; timers: ManualTimers } {
  return { deadline: new UpstreamDeadline(TIMEOUTS, timers, new AbortController().signal), timers };
}

/** A body that errors with the deadline's reason once it aborts, as the transport's does. */
function bodyFor(deadline: UpstreamDeadline, highWaterMark = 16): PassThrough {
  const body = new PassThrough({ highWaterMark });
  deadline.signal.once('abort', () => body.destroy(deadline.signal.reason as Error));
  return body;
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString());

describe('DeadlineReads: a provider body read one read at a time within the idle timeout', () => {
  it('gives the reads in order, then null after the end', async () => {
    const { deadline } = deadlineOf();
    const body = bodyFor(deadline);
    const reads = new DeadlineReads(body, deadline);
    body.write('one');
    expect(text(await reads.next())).toBe('one');
    const waiting = reads.next();
    body.write('two');
    expect(text(await waiting)).toBe('two');
    body.end();
    expect(await reads.next()).toBeNull();
    expect(await reads.next()).toBeNull();
  });

  it('rejects with the body’s error, and with ERR_STREAM_PREMATURE_CLOSE for a body closed before its end', async () => {
    const { deadline } = deadlineOf();
    const failing = bodyFor(deadline);
    const errorReads = new DeadlineReads(failing, deadline);
    const reason = new Error('socket hang up');
    const pending = errorReads.next();
    failing.destroy(reason);
    await expect(pending).rejects.toBe(reason);

    const cut = bodyFor(deadline);
    const cutReads = new DeadlineReads(cut, deadline);
    cut.destroy();
    await expect(cutReads.next()).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    // Already closed when the reader is made: the same.
    await expect(new DeadlineReads(cut, deadline).next()).rejects.toMatchObject({
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    });
  });

  it('runs the idle timeout only while it waits on the provider', async () => {
    const { deadline, timers } = deadlineOf();
    const body = bodyFor(deadline);
    const reads = new DeadlineReads(body, deadline);
    const first = reads.next();
    timers.advance(TIMEOUTS.idleMs - 1);
    body.write('first');
    expect(text(await first)).toBe('first');
    // The consumer takes its time: no read is pending, so no idle timeout runs.
    timers.advance(10 * TIMEOUTS.idleMs);
    expect(deadline.signal.aborted).toBe(false);

    const waiting = reads.next();
    timers.advance(TIMEOUTS.idleMs - 1);
    expect(deadline.signal.aborted).toBe(false);
    timers.advance(1);
    await expect(waiting).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect(deadline.expired?.phase).toBe('idle');
  });

  it('reads no further ahead than the body’s buffer while the consumer does not ask', async () => {
    const { deadline } = deadlineOf();
    const pulled: number[] = [];
    let produced = 0;
    const body = new Readable({
      highWaterMark: 16,
      read() {
        pulled.push(produced);
        this.push(Buffer.alloc(8, 97 + (produced++ % 26)));
      },
    });
    const reads = new DeadlineReads(body, deadline);
    await reads.next();
    await new Promise((resolve) => setImmediate(resolve));
    const afterOne = pulled.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled.length).toBe(afterOne);
    expect(afterOne).toBeLessThanOrEqual(4);
    reads.close();
  });

  it('on close: stops a pending read with null, destroys an unfinished body, leaves an ended one to end', async () => {
    const { deadline } = deadlineOf();
    const unfinished = bodyFor(deadline);
    const reads = new DeadlineReads(unfinished, deadline);
    const pending = reads.next();
    reads.close();
    reads.close();
    await expect(pending).resolves.toBeNull();
    expect(unfinished.destroyed).toBe(true);

    const ended = new PassThrough();
    ended.end('last bytes');
    await new Promise((resolve) => setImmediate(resolve));
    const finishing = new DeadlineReads(ended, deadline);
    finishing.close();
    expect(ended.destroyed).toBe(false);
  });
});
