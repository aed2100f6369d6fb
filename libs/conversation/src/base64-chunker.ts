const NO_BYTES = Buffer.alloc(0);

/**
 * Base64 for a byte stream sent as a sequence of strings (streamed `delta.audio.data`), cut so that
 * joining the *strings* and decoding once gives the same bytes as decoding each string and joining the
 * bytes. Clients do both: players decode each delta, while the SDKs' stream helpers (openai-node's
 * `finalChatCompletion()`, LangChain's chunk concatenation) join the strings first; a `=` in the middle
 * of a joined string ends the decode there, so padded deltas silently truncate the audio.
 *
 * Contract:
 * - every string `push` returns encodes a multiple of 3 bytes, hence has no `=` padding and a length that
 *   is a multiple of 4; with `frameBytes` it is also a multiple of that (a multiple of 6 for raw pcm16, so
 *   no delta splits a sample); the bytes left over are carried into the next call;
 * - `end` returns the rest (it may be padded) and must be the last call;
 * - the concatenation of everything returned is the base64 of the concatenation of everything given.
 */
export class Base64Chunker {
  private carry: Buffer = NO_BYTES;
  /** Every non-final string encodes a multiple of this many bytes. */
  private readonly unit: number;

  /** `frameBytes`: the smallest unit a delta must not split (2 for raw pcm16; 1 for a file format's bytes). */
  constructor(frameBytes = 1) {
    if (!Number.isInteger(frameBytes) || frameBytes < 1) throw new RangeError(`frameBytes ${frameBytes}`);
    this.unit = frameBytes % 3 === 0 ? frameBytes : frameBytes * 3;
  }

  /** Base64 of the carried bytes plus `bytes`, up to the last whole unit; `''` when there is less than one. */
  push(bytes: Uint8Array): string {
    const all =
      this.carry.length === 0
        ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : Buffer.concat([this.carry, bytes]);
    const whole = all.length - (all.length % this.unit);
    this.carry = Buffer.from(all.subarray(whole)); // a copy: keeps a few bytes, not the caller's whole buffer
    return all.subarray(0, whole).toString('base64');
  }

  /** Base64 of the carried bytes plus `bytes` (all of them); `''` when there are none. */
  end(bytes: Uint8Array = NO_BYTES): string {
    const all = Buffer.concat([this.carry, bytes]);
    this.carry = NO_BYTES;
    return all.toString('base64');
  }
}
