import type { Server } from 'node:http';
import { processAllocator } from './process-allocator';
import { type V8Collector, v8Collector } from './v8-collect';

/**
 * Gives memory back to the system once the gateway goes quiet after load.
 *
 * Why: after a burst of streams V8's heap shrinks back (its garbage is collected), but RSS stays tens of
 * MB above idle: the native memory of the burst (socket reads, array buffers, zlib, …) was freed into
 * glibc's arenas, which keep freed pages that are not at the top of a heap. `malloc_trim(0)` returns
 * every free page of every arena to the kernel (`madvise`); with jemalloc preloaded, its purge of every
 * arena does the same for its dirty pages (`processAllocator`). And V8 keeps the young generation at the
 * size the load grew it to (up to 32 MB) until a collection sees the allocation rate fall, which a quiet
 * process never triggers: each quiet window first runs a young collection (`V8Collector.young`), which
 * shrinks it back to 1–2 MB. Measured with `npm run bench:slow-readers` and `bench:compare`
 * (docs/performance.md, "Memory").
 *
 * When: every `everyMs` it asks whether the window was busy (by default: a request or WebSocket was open
 * at some point of it); each of the first `QUIET_TRIMS` quiet windows after a busy one (or after boot)
 * trims. More than one, because what the load freed reaches glibc only when V8 collects the objects that
 * held it (array buffers): a collection that runs after the first trim leaves its memory to the next.
 * A trim walks every arena (about 10 ms on a quiet gateway, hundreds of ms on a big fragmented heap
 * under load), so it never runs while the gateway is busy, and not again until load came and went.
 *
 * The old generation's garbage (what a burst promoted) goes only in a full collection, which also makes V8
 * throw away much of the optimized code (`V8Collector`: the next thousand requests about 1 ms slower each
 * on this project's bench machine). So the full collection, with one more trim, waits for
 * `FULL_COLLECTION_QUIET_MS` of silence in a row: a gateway whose traffic merely pauses keeps its
 * compiled code, and one that went silent gives that memory back too.
 */
export interface IdleMemoryTrimOptions {
  /** Window length; 0 disables the trim. */
  readonly everyMs: number;
  /** Whether the window that just ended was busy; each call starts a new window. */
  readonly busy: () => boolean;
  /**
   * Returns free memory to the system; default the process allocator's `release` (`processAllocator`:
   * jemalloc's purge when it is preloaded, else glibc's `malloc_trim(0)`; null: not available).
   */
  readonly trim?: (() => void) | null;
  /**
   * V8's collections, run before `trim`: young in each trimming window, full once after a long silence
   * (default `v8Collector()`; null: none). With neither a trim nor a collector nothing is started.
   */
  readonly collect?: V8Collector | null;
  /** Called after each trim, e.g. to log it; `collection` says which V8 collection ran before it. */
  readonly onTrim?: (rssBefore: number, rssAfter: number, collection: 'young' | 'full') => void;
}

/** How many quiet windows in a row trim after load. */
export const QUIET_TRIMS = 3;

/** How long the gateway must have been quiet (whole windows in a row) before the full collection runs. */
export const FULL_COLLECTION_QUIET_MS = 120_000;

/** Starts the trim timer (unref'd: it never keeps the process alive); returns its stop. */
export function trimMemoryWhenIdle(options: IdleMemoryTrimOptions): () => void {
  const trim = options.trim === undefined ? processAllocator().release : options.trim;
  const collect = options.collect === undefined ? v8Collector() : options.collect;
  if (options.everyMs <= 0 || (!trim && !collect)) return () => undefined;
  const fullAfterWindows = Math.max(QUIET_TRIMS + 1, Math.ceil(FULL_COLLECTION_QUIET_MS / options.everyMs));
  /** Quiet windows in a row since the last busy one (or boot). */
  let quiet = 0;
  const run = (collection: 'young' | 'full') => {
    const before = process.memoryUsage.rss();
    collect?.[collection]();
    trim?.();
    options.onTrim?.(before, process.memoryUsage.rss(), collection);
  };
  const timer = setInterval(() => {
    if (options.busy()) {
      quiet = 0;
      return;
    }
    quiet++;
    if (quiet <= QUIET_TRIMS) run('young');
    else if (quiet === fullAfterWindows) run('full');
  }, options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * `busy` for `trimMemoryWhenIdle`: true when a request (a stream included, until its response closed) or
 * an upgraded connection (realtime WebSocket) was open at any time since the previous call.
 */
export function serverActivity(server: Server): () => boolean {
  let open = 0;
  let startedInWindow = false;
  const track = (closing: { once(event: 'close', listener: () => void): unknown }) => {
    open++;
    startedInWindow = true;
    closing.once('close', () => open--);
  };
  server.on('request', (_request, response) => track(response));
  server.on('upgrade', (request) => track(request.socket));
  return () => {
    const busy = open > 0 || startedInWindow;
    startedInWindow = false;
    return busy;
  };
}
