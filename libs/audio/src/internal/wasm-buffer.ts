/** The part of an Emscripten module a reusable heap buffer needs. */
export interface WasmHeap {
  readonly HEAP16: Int16Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/**
 * A growable block of int16 slots in a WASM heap. Views of the heap are taken fresh on each access because a
 * `malloc` anywhere in the module may grow (and so detach) its memory.
 */
export class WasmInt16Buffer {
  private pointer = 0;
  private capacity = 0;

  constructor(private readonly heap: WasmHeap) {}

  /** Ensures room for `samples` values and returns the byte address. */
  reserve(samples: number): number {
    if (samples > this.capacity) {
      if (this.pointer !== 0) this.heap._free(this.pointer);
      this.capacity = Math.max(samples, this.capacity * 2, 1024);
      this.pointer = this.heap._malloc(this.capacity * 2);
      if (this.pointer === 0) throw new Error('WASM heap allocation failed');
    }
    return this.pointer;
  }

  write(samples: Int16Array): number {
    const pointer = this.reserve(samples.length);
    this.heap.HEAP16.set(samples, pointer >> 1);
    return pointer;
  }

  /** Copies `count` values out of the buffer. */
  read(count: number): Int16Array {
    return this.heap.HEAP16.slice(this.pointer >> 1, (this.pointer >> 1) + count);
  }

  free(): void {
    if (this.pointer !== 0) this.heap._free(this.pointer);
    this.pointer = 0;
    this.capacity = 0;
  }
}
