import { LocalVoiceError } from '../local-voice.error';
import { koffi, type NativeLibrary } from './koffi';

export type { NativeLibrary } from './koffi';

/**
 * `dlopen`s a shared library by file name (searched on the loader path) or absolute path. A library that
 * cannot be loaded becomes `engine_unavailable` naming what to install, never a crash.
 */
export function loadNativeLibrary(file: string, engine: string, debianPackage: string): NativeLibrary {
  try {
    return koffi.load(file);
  } catch (error) {
    throw new LocalVoiceError(
      'engine_unavailable',
      `${engine} is not available: cannot load ${file} (install the Debian package ${debianPackage})`,
      { cause: error },
    );
  }
}

/** Copies `count` int16 samples out of native memory (the native buffer may be freed afterwards). */
export function copyInt16(pointer: unknown, count: number): Int16Array {
  if (count <= 0) return new Int16Array(0);
  const view = koffi.decode(pointer, 'int16', count) as ArrayLike<number>;
  return Int16Array.from(view);
}
