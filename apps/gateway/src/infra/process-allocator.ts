import { readFileSync } from 'node:fs';
import { libcFunction, loadedLibraryFunction } from './native-libc';

/**
 * Which C allocator serves the process's `malloc`: `jemalloc` when it was preloaded (the Docker image
 * sets `LD_PRELOAD` to Debian's `libjemalloc2`; see docs/deployment.md), else the C library's own
 * (`libc`: glibc, or musl on Alpine).
 *
 * Why it matters: the native memory a burst frees (socket reads, array buffers) stays in the allocator
 * until it is handed back. glibc keeps freed pages in per-thread arenas that only `malloc_trim` returns,
 * and what is stranded in partly used pages it cannot; jemalloc returns dirty pages on its own (decay,
 * or its background thread) and on request (`arena.<all>.purge`). Measured in docs/performance.md
 * ("Tenth round").
 */
export type AllocatorName = 'jemalloc' | 'libc';

export interface ProcessAllocator {
  readonly name: AllocatorName;
  /**
   * Gives the allocator's free memory back to the system now: jemalloc purges every arena, glibc trims
   * (`malloc_trim(0)`). Null when the process cannot (not Linux, musl, koffi missing).
   */
  readonly release: (() => void) | null;
}

/** `mallctl`'s index for "every arena" (`MALLCTL_ARENAS_ALL`). */
const ALL_ARENAS = 4096;

/** The allocator of this process, read from its memory map; its `release` bound on first call. */
export function processAllocator(maps: string = readMaps()): ProcessAllocator {
  const jemalloc = jemallocPathIn(maps);
  if (jemalloc) {
    const mallctl = loadedLibraryFunction(jemalloc, 'int mallctl(const char *, void *, void *, void *, size_t)');
    return {
      name: 'jemalloc',
      release: mallctl ? () => void mallctl(`arena.${ALL_ARENAS}.purge`, null, null, null, 0) : null,
    };
  }
  const trim = libcFunction('int malloc_trim(size_t)');
  return { name: 'libc', release: trim ? () => void trim(0) : null };
}

/** The path of the jemalloc library mapped in `maps` (a `/proc/<pid>/maps` text), or null. */
export function jemallocPathIn(maps: string): string | null {
  const found = /\s(\/\S*\/libjemalloc\.so[.\d]*)$/m.exec(maps);
  return found ? found[1]! : null;
}

function readMaps(): string {
  try {
    return readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return '';
  }
}
