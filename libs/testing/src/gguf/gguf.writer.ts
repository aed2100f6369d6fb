/**
 * A minimal GGUF v3 writer (the file format of llama.cpp and ggml): metadata key/value pairs and F32
 * tensors, laid out as `docs/gguf.md` of ggml specifies (little endian; header, metadata, tensor infos,
 * padding to `general.alignment`, then each tensor's data at an aligned offset). Test support only: it
 * writes what the tiny generated models need and nothing more.
 */

/** GGUF metadata value types (`gguf_type` in ggml's gguf.h). */
const GgufType = { Uint32: 4, Int32: 5, Float32: 6, Bool: 7, String: 8, Array: 9 } as const;

/** ggml tensor type of F32 data (`GGML_TYPE_F32`). */
const GGML_TYPE_F32 = 0;

export const GGUF_MAGIC = 'GGUF';
const GGUF_VERSION = 3;
const ALIGNMENT = 32;

/** One metadata value with its GGUF type; arrays hold one element type. */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: readonly number[] }
  | { type: 'i32[]'; value: readonly number[] };

/** A tensor: `dims` innermost first (ggml's `ne[0]` is the row length), data row-major F32. */
export interface GgufTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

class ByteSink {
  private readonly parts: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad > 0) this.push(Buffer.alloc(pad));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  switch (value.type) {
    case 'u32':
      sink.u32(GgufType.Uint32);
      sink.u32(value.value);
      return;
    case 'i32':
      sink.u32(GgufType.Int32);
      sink.i32(value.value);
      return;
    case 'f32':
      sink.u32(GgufType.Float32);
      sink.f32(value.value);
      return;
    case 'bool':
      sink.u32(GgufType.Bool);
      sink.push(Buffer.from([value.value ? 1 : 0]));
      return;
    case 'string':
      sink.u32(GgufType.String);
      sink.string(value.value);
      return;
    case 'string[]':
      sink.u32(GgufType.Array);
      sink.u32(GgufType.String);
      sink.u64(value.value.length);
      for (const item of value.value) sink.string(item);
      return;
    case 'f32[]':
      sink.u32(GgufType.Array);
      sink.u32(GgufType.Float32);
      sink.u64(value.value.length);
      for (const item of value.value) sink.f32(item);
      return;
    case 'i32[]':
      sink.u32(GgufType.Array);
      sink.u32(GgufType.Int32);
      sink.u64(value.value.length);
      for (const item of value.value) sink.i32(item);
      return;
  }
}

/** Serialises a GGUF v3 file. Keys keep their insertion order. */
export function encodeGguf(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensor[]): Buffer {
  const sink = new ByteSink();
  sink.push(Buffer.from(GGUF_MAGIC, 'ascii'));
  sink.u32(GGUF_VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.size + 1);
  sink.string('general.alignment');
  writeValue(sink, { type: 'u32', value: ALIGNMENT });
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    if (elements !== tensor.data.length) {
      throw new Error(
        `tensor ${tensor.name}: dims ${tensor.dims.join('x')} need ${elements} values, got ${tensor.data.length}`,
      );
    }
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offset += Math.ceil((elements * 4) / ALIGNMENT) * ALIGNMENT;
  }
  sink.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.padTo(ALIGNMENT);
  }
  return sink.toBuffer();
}
