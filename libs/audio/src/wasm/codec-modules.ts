import type { SonicModule } from '@echogarden/sonic-wasm';
import type { SpeexResamplerModule } from '@echogarden/speex-resampler-wasm/simd';
import type * as Mediabunny from 'mediabunny' with { 'resolution-mode': 'import' };
import type * as Mpg123 from 'mpg123-decoder' with { 'resolution-mode': 'import' };
import type * as WasmMediaEncoders from 'wasm-media-encoders' with { 'resolution-mode': 'import' };

// Every codec package is loaded lazily, once per process, on first use: most requests need none of them, and
// several are ESM-only. `import()` stays a real dynamic import in the CommonJS build (TypeScript
// `module: node16`), so the ESM-only packages load in `node dist/...`; under Jest, SWC turns it into
// `require()` of the transformed package (jest.config.js whitelists them).

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export type OpusModule = typeof import('@evan/opus');

/** Whether an Opus module round-trips one frame (see `loadOpus`). */
function opusWorks(opus: OpusModule): boolean {
  try {
    const packet = new opus.Encoder({ channels: 1, sample_rate: 24_000 }).encode(new Int16Array(480));
    return new opus.Decoder({ channels: 1, sample_rate: 24_000 }).decode(packet).length === 960;
  } catch {
    return false;
  }
}

/**
 * @evan/opus: libopus as a prebuilt native addon (CJS). Its wrapper subclasses the addon's classes on the
 * addon's own exports object, which the process shares; a second evaluation of the wrapper (Jest's per-file
 * module registry does that) wraps them twice and breaks every call. A one-frame self-test catches that and
 * falls back to the package's WASM build, which loads cleanly any number of times.
 */
export const loadOpus = once(async (): Promise<OpusModule> => {
  const native = await import('@evan/opus');
  if (opusWorks(native)) return native;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- same API, other engine; see above
  return require('@evan/opus/wasm/index.js') as OpusModule;
});

/** Sonic time-stretcher (WASM, ESM-only). */
export const loadSonic = once(async (): Promise<SonicModule> => {
  const { default: create } = await import('@echogarden/sonic-wasm');
  return create();
});

/** SpeexDSP resampler, SIMD build (WASM, ESM-only). */
export const loadSpeex = once(async (): Promise<SpeexResamplerModule> => {
  const { default: create } = await import('@echogarden/speex-resampler-wasm/simd');
  return create();
});

export type Mpg123Module = typeof Mpg123;

/** mpg123-decoder (WASM, ESM-only). */
export const loadMpg123 = once(async (): Promise<Mpg123Module> => import('mpg123-decoder'));

export type WasmMediaEncodersModule = typeof WasmMediaEncoders;

/** wasm-media-encoders: LAME 3.100 (WASM). */
export const loadWasmMediaEncoders = once(async (): Promise<WasmMediaEncodersModule> => import('wasm-media-encoders'));

export type FlacModule = typeof import('libflacjs/dist/libflac.wasm');

/**
 * libflac.js, WASM build. Its Emscripten loader (a) wraps `globalThis.fetch` for good when it finds one and
 * (b) then tries to `fetch()` its .wasm from a file path, which fails under Node ≥ 18. Hiding `fetch` for the
 * synchronous `require()` avoids both (research/node-deps.md §5.4); no other code can run in that window.
 */
export const loadFlac = once(async (): Promise<FlacModule> => {
  const savedFetch = globalThis.fetch;
  let flac: FlacModule;
  try {
    (globalThis as { fetch?: typeof fetch | undefined }).fetch = undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- must be synchronous, see above
    flac = require('libflacjs/dist/libflac.wasm.js') as FlacModule;
  } finally {
    globalThis.fetch = savedFetch;
  }
  if (!flac.isReady()) await new Promise<void>((resolve) => flac.on('ready', () => resolve()));
  return flac;
});

export type MediabunnyModule = typeof Mediabunny;

/** mediabunny (pure TS muxers) with the @mediabunny/aac-encoder extension (libavcodec's AAC encoder, WASM). */
export const loadMediabunnyAac = once(async (): Promise<MediabunnyModule> => {
  const mediabunny = await import('mediabunny');
  const { registerAacEncoder } = await import('@mediabunny/aac-encoder');
  registerAacEncoder();
  return mediabunny;
});
