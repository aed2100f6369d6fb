import { performance } from 'node:perf_hooks';
import { libcFunction } from './native-libc';

/**
 * Gives memory back to the system once the gateway goes quiet after load.
 *
 * Why: after a burst of streams V8's heap shrinks back (its garbage is collected), but RSS stays tens of
 * MB above idle: the native memory of the burst (socket reads, array buffers, zlib, …) was freed into
 * glibc's arenas, which keep freed pages that are not at the top of a heap. `malloc_trim(0)` returns
 * every free page of every arena to the kernel (`madvise`). Measured with `npm run bench:slow-readers`:
 * 30 s after the load RSS is back at or under its idle level with it, 1.5× idle without it
 * (docs/performance.md, "Memory").
 *
 * When: every `everyMs` the event loop's utilisation over the last window is read; a window under
 * `QUIET_UTILISATION` after at least one busier window (or after boot) is "gone quiet", and trims once.
 * A trim walks every arena (about 10 ms on a quiet gateway, hundreds of ms on a big fragmented heap
 * under load), so it never runs while the gateway is busy, and not again until load came and went.
 */
export interface IdleMemoryTrimOptions {
  /** Window length; 0 disables the trim. */
  readonly everyMs: number;
  /** Event-loop utilisation (0..1) since the previous call; default: `performance.eventLoopUtilization`. */
  readonly utilisation?: () => number;
  /** Returns free memory to the system; default `malloc_trim(0)` (null: not available, nothing started). */
  readonly trim?: (() => void) | null;
  /** Called after each trim, e.g. to log it. */
  readonly onTrim?: (rssBefore: number, rssAfter: number) => void;
}

/** A window busier than this (1 %) is load; a quieter one after load triggers the trim. */
export const QUIET_UTILISATION = 0.01;

/** Starts the trim timer (unref'd: it never keeps the process alive); returns its stop. */
export function trimMemoryWhenIdle(options: IdleMemoryTrimOptions): () => void {
  const trim = options.trim === undefined ? mallocTrim() : options.trim;
  if (options.everyMs <= 0 || !trim) return () => undefined;
  const utilisation = options.utilisation ?? eventLoopUtilisation();
  let loadSinceTrim = true;
  const timer = setInterval(() => {
    if (utilisation() >= QUIET_UTILISATION) {
      loadSinceTrim = true;
      return;
    }
    if (!loadSinceTrim) return;
    loadSinceTrim = false;
    const before = process.memoryUsage.rss();
    trim();
    options.onTrim?.(before, process.memoryUsage.rss());
  }, options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function eventLoopUtilisation(): () => number {
  let previous = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const window = performance.eventLoopUtilization(now, previous);
    previous = now;
    return window.utilization;
  };
}

/** glibc's `malloc_trim(0)`, or null where there is none (not Linux, musl). */
export function mallocTrim(): (() => void) | null {
  const call = libcFunction('int malloc_trim(size_t)');
  return call ? () => void call(0) : null;
}
