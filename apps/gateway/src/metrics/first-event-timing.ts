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
  return { [Symbol.asyncIterator]: () => new TimedIterator(events[Symbol.asyncIterator](), observers) };
}

/** One class, so a stream builds no closures or bound functions for its timing. */
class TimedIterator implements AsyncIterator<RelayEvent> {
  private awaitingByte = true;
  private awaitingAudio: boolean;
  private readonly check = (result: IteratorResult<RelayEvent>): IteratorResult<RelayEvent> => {
    if (result.done) return result;
    const { observers } = this;
    if (this.awaitingByte) {
      this.awaitingByte = false;
      observers.firstByte.observe(observers.elapsedSeconds());
    }
    if (this.awaitingAudio && result.value.type === 'chunk' && result.value.chunk.choices[0]?.delta.audio?.data) {
      this.awaitingAudio = false;
      observers.firstAudio?.observe(observers.elapsedSeconds());
    }
    return result;
  };

  constructor(
    private readonly source: AsyncIterator<RelayEvent>,
    private readonly observers: FirstEventObservers,
  ) {
    this.awaitingAudio = observers.firstAudio !== undefined;
  }

  next(): Promise<IteratorResult<RelayEvent>> {
    // Once both moments were seen, the source's own promise: the rest of the stream costs nothing more.
    return this.awaitingByte || this.awaitingAudio ? this.source.next().then(this.check) : this.source.next();
  }

  return(value?: unknown): Promise<IteratorResult<RelayEvent>> {
    return this.source.return ? this.source.return(value) : Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<RelayEvent>> {
    return this.source.throw ? this.source.throw(error) : Promise.reject(asError(error));
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
