import { koffi, type NativeFunction } from './koffi';
import { LocalVoiceError } from '../local-voice.error';
import type { EnginePcm } from './flite.binding';
import { copyInt16, loadNativeLibrary, type NativeLibrary } from './native-library';

/** espeak-ng's default rate in words per minute, and the range `espeak_SetParameter(espeakRATE)` accepts. */
export const ESPEAK_DEFAULT_WPM = 175;
export const ESPEAK_MIN_WPM = 80;
export const ESPEAK_MAX_WPM = 450;

const AUDIO_OUTPUT_SYNCHRONOUS = 2;
const ESPEAK_RATE = 1;
const POS_CHARACTER = 1;
const ESPEAK_CHARS_UTF8 = 1;
const EE_OK = 0;

const SynthCallback = koffi.proto('int voxgate_espeak_synth_cb(int16_t *wav, int numsamples, void *events)');

/**
 * espeak-ng 1.51 in process (Debian `libespeak-ng1`): `espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS)`,
 * `espeak_SetSynthCallback`, then `espeak_SetVoiceByName` + `espeak_SetParameter(espeakRATE)` +
 * `espeak_Synth` per sentence; the callback collects 22 050 Hz PCM16 synchronously. espeak-ng keeps global
 * state: one instance per worker thread.
 */
export class EspeakEngine {
  private chunks: Int16Array[] = [];
  private readonly callback: bigint;
  private readonly setVoiceByName: NativeFunction;
  private readonly setParameter: NativeFunction;
  private readonly synth: NativeFunction;

  private constructor(
    /** Held so that koffi never unloads the library (it does when the handle is garbage-collected). */
    private readonly library: NativeLibrary,
    readonly sampleRate: number,
  ) {
    this.setVoiceByName = library.func('int espeak_SetVoiceByName(const char *name)');
    this.setParameter = library.func('int espeak_SetParameter(int parameter, int value, int relative)');
    this.synth = library.func(
      'int espeak_Synth(const char *text, size_t size, unsigned int position, int position_type, unsigned int end_position, unsigned int flags, void *unique_identifier, void *user_data)',
    );
    this.callback = koffi.register((wav: unknown, count: number) => {
      if (count > 0 && wav) this.chunks.push(copyInt16(wav, count));
      return 0;
    }, koffi.pointer(SynthCallback));
    library.func('void espeak_SetSynthCallback(voxgate_espeak_synth_cb *callback)')(this.callback);
  }

  /** Loads and initialises libespeak-ng; throws `engine_unavailable` if it or its data is missing. */
  static load(file: string): EspeakEngine {
    const library = loadNativeLibrary(file, 'espeak-ng', 'libespeak-ng1');
    const initialize = library.func('int espeak_Initialize(int output, int buflength, const char *path, int options)');
    const sampleRate = initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, null, 0) as number;
    if (sampleRate <= 0) {
      throw new LocalVoiceError('engine_unavailable', 'espeak-ng failed to initialise (install espeak-ng-data)');
    }
    return new EspeakEngine(library, sampleRate);
  }

  /** Whether espeak-ng knows a voice name. */
  hasVoice(name: string): boolean {
    return this.setVoiceByName(name) === EE_OK;
  }

  /**
   * Synthesizes one sentence at `speed` × 175 wpm, clamped to espeak's 80–450 wpm (speed 0.46–2.57);
   * `appliedSpeed` says what was applied, the caller stretches the rest.
   */
  synthesize(text: string, voice: string, speed: number): EnginePcm & { appliedSpeed: number } {
    if (this.setVoiceByName(voice) !== EE_OK) {
      throw new LocalVoiceError('engine_unavailable', `espeak-ng has no voice "${voice}"`);
    }
    const wpm = Math.min(ESPEAK_MAX_WPM, Math.max(ESPEAK_MIN_WPM, Math.round(ESPEAK_DEFAULT_WPM * speed)));
    this.setParameter(ESPEAK_RATE, wpm, 0);
    this.chunks = [];
    const status = this.synth(
      text,
      Buffer.byteLength(text) + 1,
      0,
      POS_CHARACTER,
      0,
      ESPEAK_CHARS_UTF8,
      null,
      null,
    ) as number;
    const chunks = this.chunks;
    this.chunks = [];
    if (status !== EE_OK) throw new LocalVoiceError('engine_failed', `espeak_Synth failed (${status})`);
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const samples = new Int16Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    return { samples, sampleRate: this.sampleRate, appliedSpeed: wpm / ESPEAK_DEFAULT_WPM };
  }
}
