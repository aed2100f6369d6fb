// ITU-T G.711 µ-law and A-law, as in the reference Sun Microsystems g711.c that sox and ffmpeg also use, so
// output is bit-identical to theirs. Decoding is a 256-entry table; encoding a 64 Ki-entry table built once.

function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) t += 8;
  else if (segment === 1) t += 0x108;
  else t = (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

const ULAW_SEGMENT_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segmentOf(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= (ends[i] ?? 0)) return i;
  return ends.length;
}

function linearToUlaw(sample: number): number {
  let value = sample >> 2;
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  if (value > 8159) value = 8159;
  value += 0x21;
  const segment = segmentOf(value, ULAW_SEGMENT_END);
  if (segment >= 8) return 0x7f ^ mask;
  return ((segment << 4) | ((value >> (segment + 1)) & 0x0f)) ^ mask;
}

function linearToAlaw(sample: number): number {
  let value = sample >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  const segment = segmentOf(value, ALAW_SEGMENT_END);
  if (segment >= 8) return 0x7f ^ mask;
  const code = (segment << 4) | (segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f);
  return code ^ mask;
}

/** G.711 law: µ-law (North America, Japan) or A-law (elsewhere). */
export type G711Law = 'ulaw' | 'alaw';

const decodeTables: Partial<Record<G711Law, Int16Array>> = {};
const encodeTables: Partial<Record<G711Law, Uint8Array>> = {};

function decodeTable(law: G711Law): Int16Array {
  let table = decodeTables[law];
  if (table === undefined) {
    table = new Int16Array(256);
    for (let code = 0; code < 256; code++) table[code] = law === 'ulaw' ? ulawToLinear(code) : alawToLinear(code);
    decodeTables[law] = table;
  }
  return table;
}

function encodeTable(law: G711Law): Uint8Array {
  let table = encodeTables[law];
  if (table === undefined) {
    table = new Uint8Array(65536);
    for (let index = 0; index < 65536; index++) {
      const sample = index >= 32768 ? index - 65536 : index;
      table[index] = law === 'ulaw' ? linearToUlaw(sample) : linearToAlaw(sample);
    }
    encodeTables[law] = table;
  }
  return table;
}

/** Expands G.711 codes to 16-bit samples. */
export function decodeG711(codes: Uint8Array, law: G711Law): Int16Array {
  const table = decodeTable(law);
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i] ?? 0] ?? 0;
  return out;
}

/** Compresses 16-bit samples to G.711 codes. */
export function encodeG711(samples: Int16Array, law: G711Law): Uint8Array {
  const table = encodeTable(law);
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[(samples[i] ?? 0) & 0xffff] ?? 0;
  return out;
}
