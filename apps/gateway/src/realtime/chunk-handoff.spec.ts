import { Handoff } from './chunk-handoff';

describe('Handoff', () => {
  it('hands values over one at a time: push resolves only once the value was pulled', async () => {
    const handoff = new Handoff<number>();
    let taken = false;
    const pushed = handoff.push(1).then((accepted) => (taken = accepted));
    await Promise.resolve();
    expect(taken).toBe(false);
    await expect(handoff.pull()).resolves.toEqual({ value: 1, done: false });
    await pushed;
    expect(taken).toBe(true);
  });

  it('a waiting pull gets the next push; end() finishes it, end(error) rejects it', async () => {
    const handoff = new Handoff<string>();
    const waiting = handoff.pull();
    await expect(handoff.push('a')).resolves.toBe(true);
    await expect(waiting).resolves.toEqual({ value: 'a', done: false });
    const next = handoff.pull();
    handoff.end();
    await expect(next).resolves.toEqual({ value: undefined, done: true });

    const failing = new Handoff<string>();
    const pending = failing.pull();
    failing.end(new Error('upstream broke'));
    await expect(pending).rejects.toThrow('upstream broke');
    await expect(failing.pull()).rejects.toThrow('upstream broke');
  });

  it('after end, a value not taken and later pushes are refused (false), so the producer stops', async () => {
    const handoff = new Handoff<number>();
    const pending = handoff.push(1);
    handoff.end();
    await expect(pending).resolves.toBe(false);
    await expect(handoff.push(2)).resolves.toBe(false);
    await expect(handoff.pull()).resolves.toEqual({ value: undefined, done: true });
  });
});
