import { readFileSync } from 'node:fs';
import type { OutputAudioFormat } from '../audio-formats';
import { AudioError } from '../audio-error';
import { EMPTY_BYTES } from '../internal/bytes';
import { loadWasmMediaEncoders } from '../wasm/codec-modules';
import type { AudioEncoder } from './audio-encoder';

/** Rates LAME encodes directly (MPEG-1, 2 and 2.5 Layer III). */
export const MP3_RATES: readonly number[] = [8000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000];

/** 64 kbps CBR mono: transparent for speech at 24 kHz (MPEG-2), and every frame is the same size. */
const BITRATE = 64;

type Lame = Awaited<ReturnType<Awaited<ReturnType<typeof loadWasmMediaEncoders>>['createMp3Encoder']>>;
/** A compiled `WebAssembly.Module`: opaque here (the project's `lib` setting has no WebAssembly typings). */
interface CompiledWasm {
  readonly compiledWasm?: never;
}
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledWasm> } })
  .WebAssembly;

let compiled: Promise<CompiledWasm> | undefined;

/**
 * The LAME WASM module, compiled once per process: `createMp3Encoder()` would decode and compile the inlined
 * base64 WASM on every call (~15 ms); instantiating a compiled module costs well under a millisecond.
 */
function lameModule(): Promise<CompiledWasm> {
  compiled ??= (async () => {
    const path = require.resolve('wasm-media-encoders/wasm/mp3');
    return wasm.compile(readFileSync(path));
  })();
  return compiled;
}

/** MP3 (LAME 3.100, WASM): CBR frames out as soon as LAME completes them; `end` flushes the last frames. */
export class Mp3Encoder implements AudioEncoder {
  readonly format: OutputAudioFormat = 'mp3';
  readonly mimeType = 'audio/mpeg';
  private ended = false;

  private constructor(
    readonly inputSampleRate: number,
    private readonly lame: Lame,
  ) {}

  /** Creates an encoder for mono PCM at `sampleRate` (one of `MP3_RATES`). */
  static async create(sampleRate: number): Promise<Mp3Encoder> {
    if (!MP3_RATES.includes(sampleRate)) throw new AudioError('invalid_argument', `MP3 cannot encode ${sampleRate} Hz`);
    const { createEncoder } = await loadWasmMediaEncoders();
    // The declared parameter type names WebAssembly.Module, which this project's `lib` cannot see.
    const lame = await createEncoder('audio/mpeg', (await lameModule()) as unknown as Uint8Array);
    lame.configure({ channels: 1, sampleRate, bitrate: BITRATE });
    return new Mp3Encoder(sampleRate, lame);
  }

  push(pcm: Int16Array): Uint8Array {
    if (this.ended) throw new AudioError('invalid_argument', 'push after end');
    if (pcm.length === 0) return EMPTY_BYTES;
    const floats = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) floats[i] = (pcm[i] ?? 0) / 32768;
    // The result views the WASM memory, which the next call overwrites: copy it.
    return this.lame.encode([floats]).slice();
  }

  end(): Promise<Uint8Array> {
    if (this.ended) return Promise.resolve(EMPTY_BYTES);
    this.ended = true;
    return Promise.resolve(this.lame.finalize().slice());
  }

  abort(): void {
    this.ended = true;
  }
}
