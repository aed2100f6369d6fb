const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Views (or copies, when unaligned or on a big-endian host) `bytes` of s16le as samples. An odd trailing byte
 * is ignored; callers that stream carry it over themselves.
 */
export function int16FromBytes(bytes: Uint8Array): Int16Array {
  const count = bytes.length >> 1;
  if (LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    const value = (bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8);
    out[i] = value >= 0x8000 ? value - 0x10000 : value;
  }
  return out;
}

/** The samples' bytes as s16le (a view on little-endian hosts). */
export function bytesFromInt16(samples: Int16Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i] ?? 0;
    out[2 * i] = value & 0xff;
    out[2 * i + 1] = (value >> 8) & 0xff;
  }
  return out;
}

/** Float [-1, 1] to s16 with clipping. */
export function int16FromFloat(input: Float32Array, out = new Int16Array(input.length)): Int16Array {
  for (let i = 0; i < input.length; i++) {
    const scaled = Math.round((input[i] ?? 0) * 32767);
    out[i] = scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
  }
  return out;
}

/** Averages planar float channels into mono s16. */
export function downmixFloatPlanes(planes: readonly Float32Array[], length: number): Int16Array {
  const out = new Int16Array(length);
  const first = planes[0];
  if (first === undefined) return out;
  if (planes.length === 1) return int16FromFloat(first.subarray(0, length), out);
  const scale = 32767 / planes.length;
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const plane of planes) sum += plane[i] ?? 0;
    const scaled = Math.round(sum * scale);
    out[i] = scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
  }
  return out;
}

/**
 * Carries an odd trailing byte between chunks of an s16le byte stream, so chunks of any length can be pushed.
 */
export class Pcm16ByteCarry {
  private pending: number | undefined;

  /** Samples completed by `chunk` (plus a byte left from the previous call). */
  take(chunk: Uint8Array): Int16Array {
    if (chunk.length === 0) return new Int16Array(0);
    let bytes = chunk;
    if (this.pending !== undefined) {
      bytes = new Uint8Array(chunk.length + 1);
      bytes[0] = this.pending;
      bytes.set(chunk, 1);
      this.pending = undefined;
    }
    if (bytes.length % 2 === 1) {
      this.pending = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    // Copy: callers keep the samples past this call and the source buffer may be reused by the caller.
    return int16FromBytes(bytes).slice();
  }

  /** Whether a lone byte is still waiting for its pair. */
  get hasPendingByte(): boolean {
    return this.pending !== undefined;
  }
}
