import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's collections on demand, for the idle memory trim only (never on a request's path).
 *
 * Why: under load V8 grows the young generation's semi-spaces up to 16 MB each (a 32–34 MB `new_space`
 * reserved), and it shrinks them again only in a collection that finds the allocation rate low. A process
 * that goes quiet allocates too little to trigger any collection, so the pages stay resident: about 30 MB
 * of a 140 MB idle gateway. A young collection in a quiet window shrinks `new_space` to 1–2 MB and lets V8
 * uncommit the rest (measured: RSS 143 → 109 MB at boot with full collections, the same with young ones).
 *
 * Two kinds, because a full collection in a quiet process has a price a young one does not: optimized code
 * holds the objects it was specialised on (maps, closures, contexts) weakly, and when a full collection
 * finds them dead, which it does once no request is in flight, V8 throws that code away ("weak objects").
 * Measured on the gateway after 5,000 requests and 40 s quiet: 135–156 functions deoptimized, and the next
 * 1,000 requests 1.1 ms slower each on average while V8 compiled them again (docs/performance.md, eleventh
 * round); after young collections, none. A full collection also frees the old generation's garbage (what a
 * burst promoted: 16 MB of RSS after the bench's load), so the trim runs one only after a long silence.
 *
 * How: `gc` is exposed only under `--expose-gc`; setting the flag at run time and reading `gc` from a
 * fresh context (which is created with the flag on) gives the same function without a command-line flag,
 * so `node main.js`, the Docker image and any process manager behave alike. Null if the runtime refuses
 * (the trim then just skips the collections).
 */
export interface V8Collector {
  /** A young-generation collection (a scavenge): shrinks `new_space` in a quiet process; keeps optimized code. */
  young(): void;
  /** A full collection (mark-compact): frees the old generation's garbage too; may deoptimize (above). */
  full(): void;
}

export function v8Collector(): V8Collector | null {
  const gc = exposedGc();
  if (!gc) return null;
  return { young: () => void gc({ type: 'minor' }), full: () => void gc() };
}

/** V8's `gc(options?)` (`type: 'minor' | 'major'`, synchronous by default). */
type Gc = (options?: { type: 'minor' | 'major' }) => unknown;

function exposedGc(): Gc | null {
  const exposed = globalThis.gc as unknown;
  if (typeof exposed === 'function') return exposed as Gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Gc) : null;
  } catch {
    return null;
  }
}
