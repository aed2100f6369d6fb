// The @echogarden WASM packages ship no type declarations. These describe the Emscripten modules as Voxgate
// uses them: raw exported C functions over one linear memory (pointers are byte offsets into HEAP*).

declare module '@echogarden/sonic-wasm' {
  /** Sonic (github.com/waywardgeek/sonic) compiled to WASM. */
  export interface SonicModule {
    readonly HEAP16: Int16Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Returns a `sonicStream` handle (0 on failure). */
    _sonicCreateStream(sampleRate: number, channels: number): number;
    _sonicDestroyStream(stream: number): void;
    _sonicSetSpeed(stream: number, speed: number): void;
    _sonicSetPitch(stream: number, pitch: number): void;
    _sonicSetRate(stream: number, rate: number): void;
    _sonicSetQuality(stream: number, quality: number): void;
    /** Queues `samples` frames of s16 from `pointer`; returns 0 on allocation failure. */
    _sonicWriteShortToStream(stream: number, pointer: number, samples: number): number;
    /** Copies up to `maxSamples` processed frames to `pointer`; returns how many. */
    _sonicReadShortFromStream(stream: number, pointer: number, maxSamples: number): number;
    /** Processes everything queued (padding internally); returns 0 on failure. */
    _sonicFlushStream(stream: number): number;
    _sonicSamplesAvailable(stream: number): number;
  }
  const createSonic: () => Promise<SonicModule>;
  export default createSonic;
}

declare module '@echogarden/speex-resampler-wasm/simd' {
  /** The SpeexDSP resampler compiled to WASM (SIMD build). */
  export interface SpeexResamplerModule {
    readonly HEAP16: Int16Array;
    readonly HEAPU32: Uint32Array;
    readonly HEAP32: Int32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** Returns a state handle; writes an error code to `errorPointer` (int32). */
    _speex_resampler_init(
      channels: number,
      inRate: number,
      outRate: number,
      quality: number,
      errorPointer: number,
    ): number;
    _speex_resampler_destroy(state: number): void;
    /**
     * Resamples channel `channel`: reads `*inLength` s16 samples from `input`, writes up to `*outLength` to
     * `output`, and updates both uint32 length pointers to the amounts consumed/produced. Returns an error code.
     */
    _speex_resampler_process_int(
      state: number,
      channel: number,
      input: number,
      inLengthPointer: number,
      output: number,
      outLengthPointer: number,
    ): number;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_get_output_latency(state: number): number;
  }
  const createSpeexResampler: () => Promise<SpeexResamplerModule>;
  export default createSpeexResampler;
}
