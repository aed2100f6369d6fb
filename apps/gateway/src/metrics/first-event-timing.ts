import type { RelayEvent } from '@voxgate/conversation';

/** Where a stream's first-event and first-audio moments are reported, and the clock they are read on. */
export interface FirstEventObservers {
  /** Seconds since the request arrived (Fastify's `reply.elapsedTime` / 1000). */
  readonly elapsedSeconds: () => number;
  readonly firstByte: { observe(seconds: number): void };
  /** Omitted when the request asked for no audio. */
  readonly firstAudio?: { observe(seconds: number): void };
}

/**
 * `events`, reporting the moment the first event and the first audio data delta are handed to the SSE
 * writer (which writes each one as it receives it). A thin iterator, not an async generator: once both
 * moments are seen, `next` is the source's own, so the rest of the stream costs nothing more. `return`
 * and `throw` are forwarded, so closing it still cancels the upstream call.
 */
export function timedFirstEvents(
  events: AsyncIterable<RelayEvent>,
  observers: FirstEventObservers,
): AsyncIterable<RelayEvent> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<RelayEvent> {
      const source = events[Symbol.asyncIterator]();
      let awaitingByte = true;
      let awaitingAudio = observers.firstAudio !== undefined;
      const check = (result: IteratorResult<RelayEvent>): IteratorResult<RelayEvent> => {
        if (result.done) return result;
        if (awaitingByte) {
          awaitingByte = false;
          observers.firstByte.observe(observers.elapsedSeconds());
        }
        if (awaitingAudio && result.value.type === 'chunk' && result.value.chunk.choices[0]?.delta.audio?.data) {
          awaitingAudio = false;
          observers.firstAudio?.observe(observers.elapsedSeconds());
        }
        if (!awaitingByte && !awaitingAudio) iterator.next = () => source.next();
        return result;
      };
      const iterator: AsyncIterator<RelayEvent> = { next: () => source.next().then(check) };
      if (source.return) iterator.return = source.return.bind(source);
      if (source.throw) iterator.throw = source.throw.bind(source);
      return iterator;
    },
  };
}
