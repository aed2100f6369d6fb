import { EventEmitter } from 'node:events';
import { drained } from './socket-drained';

describe('drained', () => {
  it('resolves on drain and leaves no listener behind, however often a stream waits', async () => {
    const raw = new EventEmitter();
    for (let i = 0; i < 50; i++) {
      const wait = drained(raw);
      raw.emit('drain');
      await wait;
    }
    expect(raw.listenerCount('close')).toBe(0);
    expect(raw.listenerCount('drain')).toBe(0);
  });

  it('resolves when the socket closes instead', async () => {
    const raw = new EventEmitter();
    const wait = drained(raw);
    raw.emit('close');
    await expect(wait).resolves.toBeUndefined();
    expect(raw.listenerCount('drain')).toBe(0);
  });
});
