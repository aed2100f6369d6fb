/**
 * A one-slot hand-off from a producer that pushes (the pipeline's stream door) to a consumer that pulls
 * (an async generator): `push` resolves only once the consumer took the value, so the producer never
 * runs ahead of the consumer by more than one item (backpressure reaches the upstream as with SSE).
 */
export class Handoff<T> {
  private slot: { value: T; taken: (accepted: boolean) => void } | null = null;
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private ended: { error: Error | undefined } | null = null;

  /** Offers one value; true once taken, false if the hand-off ended first (the consumer stopped). */
  push(value: T): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiting = this.waiting;
      if (waiting) {
        this.waiting = null;
        waiting({ value, done: false });
        resolve(true);
      } else this.slot = { value, taken: resolve };
    });
  }

  /** The next value; `done` once ended; rejects with the error `end` was given. */
  pull(): Promise<IteratorResult<T>> {
    const slot = this.slot;
    if (slot) {
      this.slot = null;
      slot.taken(true);
      return Promise.resolve({ value: slot.value, done: false });
    }
    if (this.ended) {
      const { error } = this.ended;
      return error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.waiting = (result) => resolve(result);
      this.onEnd = reject;
    });
  }

  /** Ends the hand-off (with `error`: the consumer's next `pull` rejects with it). A value not taken is dropped. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = { error };
    this.slot?.taken(false);
    this.slot = null;
    const waiting = this.waiting;
    const onEnd = this.onEnd;
    this.waiting = null;
    this.onEnd = null;
    if (!waiting) return;
    if (error === undefined) waiting({ value: undefined, done: true });
    else onEnd?.(error);
  }

  private onEnd: ((error: Error) => void) | null = null;
}
