import type { RelayEvent } from '@voxgate/conversation';
import { type Batchable, BATCHES, batchesOf } from '@voxgate/openai-wire';

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
): Batchable<RelayEvent> {
  return {
    [Symbol.asyncIterator]: () => new TimedIterator(events[Symbol.asyncIterator](), observers, observeOne),
    [BATCHES]: () => new TimedIterator(batchesOf(events), observers, observeBatch),
  };
}

/** Reports the moments `item` holds; true once both were seen. */
type Observe<T> = (item: T, timing: TimedIterator<T>) => boolean;

const observeOne: Observe<RelayEvent> = (event, timing) => timing.saw(event);
const observeBatch: Observe<readonly RelayEvent[]> = (batch, timing) => {
  let seen = false;
  for (const event of batch) seen = timing.saw(event);
  return seen;
};

/** One class, so a stream builds no closures or bound functions for its timing. */
class TimedIterator<T> implements AsyncIterator<T> {
  private awaitingByte = true;
  private awaitingAudio: boolean;
  private watching = true;
  private readonly check = (result: IteratorResult<T>): IteratorResult<T> => {
    if (!result.done && this.observe(result.value, this)) this.watching = false;
    return result;
  };

  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly observers: FirstEventObservers,
    private readonly observe: Observe<T>,
  ) {
    this.awaitingAudio = observers.firstAudio !== undefined;
  }

  /** Reports what `event` is the first of; true once both moments were seen. */
  saw(event: RelayEvent): boolean {
    const { observers } = this;
    if (this.awaitingByte) {
      this.awaitingByte = false;
      observers.firstByte.observe(observers.elapsedSeconds());
    }
    if (this.awaitingAudio && event.type === 'chunk' && event.chunk.choices[0]?.delta.audio?.data) {
      this.awaitingAudio = false;
      observers.firstAudio?.observe(observers.elapsedSeconds());
    }
    return !this.awaitingByte && !this.awaitingAudio;
  }

  next(): Promise<IteratorResult<T>> {
    // Once both moments were seen, the source's own promise: the rest of the stream costs nothing more.
    return this.watching ? this.source.next().then(this.check) : this.source.next();
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    return this.source.return ? this.source.return(value) : Promise.resolve({ done: true, value: undefined });
  }
}
