const NO_BYTES = Buffer.alloc(0);

/**
 * Base64 for a byte stream sent as a sequence of strings (streamed `delta.audio.data`), cut so that
 * joining the *strings* and decoding once gives the same bytes as decoding each string and joining the
 * bytes. Clients do both: players decode each delta, while the SDKs' stream helpers (openai-node's
 * `finalChatCompletion()`, LangChain's chunk concatenation) join the strings first; a `=` in the middle
 * of a joined string ends the decode there, so padded deltas silently truncate the audio.
 *
 * Contract:
 * - every string `push` returns encodes a multiple of 3 bytes: no `=` padding, length a multiple of 4;
 *   the 0–2 bytes left over are carried into the next call;
 * - `end` returns the rest (it may be padded) and must be the last call;
 * - the concatenation of everything returned is the base64 of the concatenation of everything given.
 */
export class Base64Chunker {
  private carry: Buffer = NO_BYTES;

  /** Base64 of the carried bytes plus `bytes`, up to the last whole 3 bytes; `''` when there are fewer than 3. */
  push(bytes: Uint8Array): string {
    const all =
      this.carry.length === 0
        ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : Buffer.concat([this.carry, bytes]);
    const whole = all.length - (all.length % 3);
    this.carry = Buffer.from(all.subarray(whole)); // a copy: keeps 0–2 bytes, not the caller's whole buffer
    return all.subarray(0, whole).toString('base64');
  }

  /** Base64 of the carried bytes plus `bytes` (all of them); `''` when there are none. */
  end(bytes: Uint8Array = NO_BYTES): string {
    const all = Buffer.concat([this.carry, bytes]);
    this.carry = NO_BYTES;
    return all.toString('base64');
  }
}
