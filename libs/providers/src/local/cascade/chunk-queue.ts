/**
 * A single-consumer async queue: producers `push` items, `fail` or `close` it; the consumer iterates.
 * Lets the text model's reader and the sentence synthesizer write one stream in the order things happen.
 */
export class ChunkQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private ended: { error: unknown } | { done: true } | null = null;
  private wake: (() => void) | null = null;

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.notify();
  }

  close(): void {
    this.ended ??= { done: true };
    this.notify();
  }

  /** Ends the stream with `error` after the items already queued. */
  fail(error: unknown): void {
    this.ended ??= { error };
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift() as T;
      const ended = this.ended;
      if (ended) {
        if ('error' in ended) throw ended.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private notify(): void {
    this.wake?.();
  }
}
