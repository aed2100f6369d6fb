/**
 * Streaming linear-interpolation resampler of mono s16 to float samples in [-1, 1]. Good enough for a
 * voice activity detector (the model hears 0–8 kHz; what aliases from 8–12 kHz when 24 kHz goes to 16 kHz
 * is far below speech), and synchronous: the session's VAD decides in the step that appended the audio.
 * Not for audio anyone listens to (`@voxgate/audio`'s `Resampler` is).
 */
export class LinearResampler {
  private readonly step: number;
  /** Position of the next output sample, in input samples since the first one. */
  private position = 0;
  /** Input samples consumed before the current chunk. */
  private consumed = 0;
  /** The last input sample of the previous chunk. */
  private last = 0;

  constructor(inputRate: number, outputRate: number) {
    this.step = inputRate / outputRate;
  }

  /** The output samples `input` completes (the last one or two may wait for the next chunk). */
  process(input: Int16Array): Float32Array {
    if (input.length === 0) return new Float32Array(0);
    const end = this.consumed + input.length;
    const output = new Float32Array(Math.max(0, Math.ceil((end - 1 - this.position) / this.step) + 1));
    let count = 0;
    for (;;) {
      const index = Math.floor(this.position);
      if (index + 1 >= end) break;
      const a = index < this.consumed ? this.last : (input[index - this.consumed] ?? 0);
      const b = input[index + 1 - this.consumed] ?? 0;
      output[count++] = (a + (b - a) * (this.position - index)) / 32768;
      this.position += this.step;
    }
    this.last = input[input.length - 1] ?? 0;
    this.consumed = end;
    return output.subarray(0, count);
  }
}
