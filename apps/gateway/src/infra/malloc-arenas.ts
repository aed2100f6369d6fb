import { libcFunction } from './native-libc';

/** glibc's `M_ARENA_MAX` parameter of `mallopt` (malloc.h). */
const M_ARENA_MAX = -8;

/** The gateway's cap, unless `MALLOC_ARENA_MAX` says otherwise (`cap-malloc-arenas.ts`). */
export const GATEWAY_MALLOC_ARENAS = 2;

/** What `capMallocArenas` did. */
export type ArenaCap =
  /** `mallopt(M_ARENA_MAX, max)` succeeded: threads that need an arena from now on share at most `max`. */
  | 'capped'
  /** `MALLOC_ARENA_MAX` is in the environment: glibc read it at start, and the operator's value stands. */
  | 'environment'
  /** Not glibc (musl, macOS, Windows), or `mallopt` refused the value: nothing changed. */
  | 'unavailable';

/**
 * Caps how many malloc arenas glibc may create in this process, as `MALLOC_ARENA_MAX=max` would.
 *
 * Why: glibc gives each thread that allocates concurrently an arena of its own, up to 8 per core; Node's
 * threads (V8's platform workers, libuv's pool) end up with about a dozen. Native memory a burst of load
 * freed in those arenas stays in them, fragmented, where `malloc_trim` cannot return it: after load RSS
 * stayed 15–20 MB above idle with glibc's default, 6–10 MB with 2 arenas, at no measurable cost in CPU or
 * latency (docs/performance.md, "Memory").
 *
 * Call it first thing in the process, before other modules load (`cap-malloc-arenas.ts`): V8 compiles
 * them on its worker threads, each of which takes an arena, and arenas created before the call are kept
 * (measured: 2 arenas when a preload runs, 6 once the config module has loaded, and then no gain). Nor can
 * a later call lift or move the cap: glibc fixes its limit when it first needs one. So it is not a config
 * setting: `MALLOC_ARENA_MAX` in the environment, which glibc applied at start, wins (e.g.
 * `MALLOC_ARENA_MAX=16` for glibc's default on 2 cores). `mallopt` is injectable for tests; by default it is libc's, through koffi (loaded only when it is called).
 */
export function capMallocArenas(
  max: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
  mallopt?: ((parameter: number, value: number) => number) | null,
): ArenaCap {
  if (env.MALLOC_ARENA_MAX !== undefined && env.MALLOC_ARENA_MAX !== '') return 'environment';
  // Resolved only now: koffi and libc are not loaded for a process that needs neither.
  mallopt = mallopt === undefined ? libcMallopt() : mallopt;
  if (!mallopt) return 'unavailable';
  // mallopt answers 1 on success, 0 on an error.
  return mallopt(M_ARENA_MAX, max) === 1 ? 'capped' : 'unavailable';
}

function libcMallopt(): ((parameter: number, value: number) => number) | null {
  const mallopt = libcFunction('int mallopt(int param, int value)');
  return mallopt ? (parameter, value) => Number(mallopt(parameter, value)) : null;
}
