import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi' with { 'resolution-mode': 'import' };

/** A C function bound through koffi; its arguments and result as koffi converts them. */
export type NativeFunction = (...args: unknown[]) => unknown;

/**
 * A function of the C library, bound through `koffi` (already a dependency, for the local engines) for
 * the few system calls Node does not expose (`setsockopt` on a TCP socket, `malloc_trim`). Linux only:
 * null elsewhere, when libc cannot be loaded, or when it lacks the function (musl has no `malloc_trim`),
 * so every caller has a plain fallback. koffi and libc are loaded on the first call, not at boot.
 */
export function libcFunction(signature: string): NativeFunction | null {
  const libc = loadLibc();
  return libc ? bind(libc, signature) : null;
}

/**
 * A function of a shared library the process has loaded already (`path` as `/proc/self/maps` names it,
 * e.g. a preloaded allocator): the same library, not a second copy. Null when koffi, the library or the
 * function is missing.
 */
export function loadedLibraryFunction(path: string, signature: string): NativeFunction | null {
  const koffi = loadKoffi();
  if (!koffi) return null;
  try {
    return bind(koffi.load(path), signature);
  } catch {
    return null;
  }
}

function bind(library: KoffiModule.LibraryHandle, signature: string): NativeFunction | null {
  try {
    return library.func(signature) as NativeFunction;
  } catch {
    return null;
  }
}

/** glibc first, then musl (Alpine) by its usual names. */
const LIBC_NAMES = ['libc.so.6', 'libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1'];
let libc: KoffiModule.LibraryHandle | null | undefined;

function loadLibc(): KoffiModule.LibraryHandle | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (process.platform !== 'linux') return libc;
  const koffi = loadKoffi();
  if (!koffi) return libc;
  for (const name of LIBC_NAMES) {
    try {
      libc = koffi.load(name);
      return libc;
    } catch {
      // Not this libc; try the next name.
    }
  }
  return libc;
}

function loadKoffi(): typeof KoffiModule | null {
  try {
    return createRequire(__filename)('koffi') as typeof KoffiModule;
  } catch {
    return null;
  }
}
