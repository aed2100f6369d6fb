import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi' with { 'resolution-mode': 'import' };

/**
 * A function of the C library, bound through `koffi` (already a dependency, for the local engines) for
 * the few system calls Node does not expose (`setsockopt` on a TCP socket, `malloc_trim`). Linux only:
 * null elsewhere, when libc cannot be loaded, or when it lacks the function (musl has no `malloc_trim`),
 * so every caller has a plain fallback. koffi and libc are loaded on the first call, not at boot.
 */
export function libcFunction(signature: string): ((...args: unknown[]) => unknown) | null {
  const libc = loadLibc();
  if (!libc) return null;
  try {
    return libc.func(signature) as (...args: unknown[]) => unknown;
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
  let koffi: typeof KoffiModule;
  try {
    koffi = createRequire(__filename)('koffi') as typeof KoffiModule;
  } catch {
    return libc;
  }
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
