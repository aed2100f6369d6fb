/**
 * A stream of items that can also be read as the batches they arrived in: the chunks that one read of an
 * upstream body completed, the events the relay made of them. Reading a batch at a time takes one
 * promise per read instead of one per item through every layer of the stream (decoder, relay, writer):
 * for a model streaming a token per event, most of a stream's cost.
 *
 * A `Batchable` is an ordinary `AsyncIterable` (one item per `next`, for consumers that want items) with,
 * under the `BATCHES` key, the same stream as batches. A stream is read once: through one view or the
 * other, never both.
 */
export const BATCHES: unique symbol = Symbol('voxgate.batches');

export interface Batchable<T> extends AsyncIterable<T> {
  /** The same items, as non-empty arrays in order. Returning the iterator early stops the stream. */
  [BATCHES](): AsyncIterator<readonly T[]>;
}

/** A `Batchable` over `batches` (called once, by whichever view is read first). */
export function batchable<T>(batches: () => AsyncIterator<readonly T[]>): Batchable<T> {
  return {
    [BATCHES]: batches,
    [Symbol.asyncIterator]: () => flatten(batches()),
  };
}

/**
 * `source` read as batches: its own when it is `Batchable`, else each item as a batch of one (so a
 * consumer of batches pulls exactly what an item-by-item consumer would).
 */
export function batchesOf<T>(source: AsyncIterable<T>): AsyncIterator<readonly T[]> {
  const own = (source as Partial<Batchable<T>>)[BATCHES];
  return own ? own.call(source) : singles(source[Symbol.asyncIterator]());
}

async function* flatten<T>(batches: AsyncIterator<readonly T[]>): AsyncGenerator<T> {
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      for (const item of next.value) yield item;
    }
  } finally {
    // Stopped early (the consumer returned): the batches stop too, running their cleanup.
    await batches.return?.();
  }
}

function singles<T>(items: AsyncIterator<T>): AsyncIterator<readonly T[]> {
  return {
    next: () => items.next().then((result) => (result.done ? result : { done: false, value: [result.value] })),
    return: (value?: unknown) =>
      items.return ? items.return(value).then(() => ({ done: true, value: undefined })) : done(),
  };
}

function done(): Promise<IteratorReturnResult<undefined>> {
  return Promise.resolve({ done: true, value: undefined });
}
