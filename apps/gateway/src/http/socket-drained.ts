import type { EventEmitter } from 'node:events';

/**
 * Resolves on the writable's next `drain`, or once it closed (the request's abort follows that), and
 * removes both listeners either way. Every streaming writer waits with this: racing `once(raw, 'drain')`
 * against `once(raw, 'close')` leaves the loser registered, so a long stream to a slow reader piles up one
 * `close` listener per blocked write until the connection ends.
 */
export function drained(raw: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}
