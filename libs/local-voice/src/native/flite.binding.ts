import { koffi, type NativeFunction } from './koffi';
import { LocalVoiceError } from '../local-voice.error';
import type { FliteVoice } from '../voices';
import { copyInt16, loadNativeLibrary, type NativeLibrary } from './native-library';

/** Library file names; override with `LocalVoiceOptions.libraries`. Debian package: `libflite1`. */
export interface FliteLibraryPaths {
  /** `libflite.so.1`. */
  readonly flite: string;
  /** Directory or pattern of the voice libraries: `{voice}` is replaced, default `libflite_cmu_us_{voice}.so.1`. */
  readonly voicePattern: string;
}

/** PCM16 mono audio from an engine. */
export interface EnginePcm {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

const Wave = koffi.struct('cst_wave', {
  type: 'const char *',
  sample_rate: 'int',
  num_samples: 'int',
  num_channels: 'int',
  samples: 'void *',
});
const VoiceHead = koffi.struct('cst_voice_head', { name: 'const char *', features: 'void *' });

interface WaveStruct {
  sample_rate: number;
  num_samples: number;
  num_channels: number;
  samples: unknown;
}

/**
 * flite 2.2 in process (Debian `libflite1`): `flite_init`, `register_cmu_us_<voice>(NULL)`, then
 * `flite_text_to_wave(text, voice)` per sentence. Speed is flite's own `duration_stretch` voice feature
 * (1 / speed), so no time-stretching is needed afterwards. Not thread-safe: one instance per worker.
 */
export class FliteEngine {
  // Each voice keeps its library handle: koffi unloads (dlclose) a library whose handle is garbage-collected,
  // which would leave the registered voice pointing into unmapped memory.
  private readonly voices = new Map<FliteVoice, { pointer: unknown; features: unknown; library: NativeLibrary }>();
  private readonly textToWave: NativeFunction;
  private readonly deleteWave: NativeFunction;
  private readonly setFloat: NativeFunction;
  /** flite keeps feature *names* by reference, so the name lives in C memory for the engine's lifetime. */
  private readonly durationStretch = persistentCString('duration_stretch');

  private constructor(
    /** Held so that koffi never unloads the library (it does when the handle is garbage-collected). */
    private readonly library: NativeLibrary,
    private readonly paths: FliteLibraryPaths,
  ) {
    library.func('int flite_init()')();
    this.textToWave = library.func('void *flite_text_to_wave(const char *text, void *voice)');
    this.deleteWave = library.func('void delete_wave(void *wave)');
    this.setFloat = library.func('void flite_feat_set_float(void *features, void *name, float value)');
  }

  /** Loads libflite; throws `engine_unavailable` if it is missing. */
  static load(paths: FliteLibraryPaths): FliteEngine {
    return new FliteEngine(loadNativeLibrary(paths.flite, 'flite', 'libflite1'), paths);
  }

  /** Registers (once) and returns a voice; throws `engine_unavailable` if its library is missing. */
  private voice(name: FliteVoice): { pointer: unknown; features: unknown; library: NativeLibrary } {
    const known = this.voices.get(name);
    if (known !== undefined) return known;
    const file = this.paths.voicePattern.replace('{voice}', name);
    const library = loadNativeLibrary(file, `flite voice ${name}`, 'libflite1');
    const pointer: unknown = library.func(`void *register_cmu_us_${name}(const char *voxdir)`)(null);
    if (!pointer) throw new LocalVoiceError('engine_unavailable', `flite voice ${name} failed to register`);
    const head = koffi.decode(pointer, VoiceHead) as { features: unknown };
    const voice = { pointer, features: head.features, library };
    this.voices.set(name, voice);
    return voice;
  }

  /** Whether a voice's library loads and registers. */
  hasVoice(name: FliteVoice): boolean {
    try {
      this.voice(name);
      return true;
    } catch {
      return false;
    }
  }

  /** Synthesizes one sentence (plain text) at `speed` (0.25–4). */
  synthesize(text: string, name: FliteVoice, speed: number): EnginePcm {
    const voice = this.voice(name);
    this.setFloat(voice.features, this.durationStretch, 1 / speed);
    const wavePointer: unknown = this.textToWave(text, voice.pointer);
    if (!wavePointer) throw new LocalVoiceError('engine_failed', `flite produced no audio (voice ${name})`);
    try {
      const wave = koffi.decode(wavePointer, Wave) as WaveStruct;
      if (wave.num_channels !== 1) throw new LocalVoiceError('engine_failed', 'flite produced non-mono audio');
      return { samples: copyInt16(wave.samples, wave.num_samples), sampleRate: wave.sample_rate };
    } finally {
      this.deleteWave(wavePointer);
    }
  }
}

/** A NUL-terminated copy of `text` in never-freed C memory (one per engine, a few bytes). */
function persistentCString(text: string): unknown {
  const bytes = Buffer.byteLength(text) + 1;
  const pointer: unknown = koffi.alloc('char', bytes);
  koffi.encode(pointer, koffi.array('char', bytes, 'String'), text);
  return pointer;
}
