import type { Principal } from '../tenancy.types';

/** What authentication reads: the principal of a key by its secret's hash, or null for no such key. */
export interface SecretHashLookup {
  findBySecretHash(secretHash: string): Promise<Principal | null>;
}

export interface CachedApiKeysOptions {
  /**
   * Longest an entry is trusted, counted from the moment its read was issued: the bound on how long a
   * revoked key may still authenticate on a replica that missed the revocation message. At most 1000.
   */
  maxAgeMs: number;
  /** Entries kept at most; beyond it the oldest is dropped. */
  maxEntries: number;
  /**
   * Whether invalidation messages are being received right now. While false the cache is neither read
   * nor filled, so a message lost during a reconnection cannot keep a revoked key alive past `maxAgeMs`.
   */
  live: () => boolean;
  now?: () => number;
}

interface Entry {
  readonly principal: Principal;
  readonly readAt: number;
}

/**
 * An in-process cache of authenticated keys in front of `ApiKeyRepository.findBySecretHash`, so a request
 * with a known key costs no Redis round trip.
 *
 * Contract (what revocation relies on, docs/security.md):
 * - an entry is served for at most `maxAgeMs` after the read that produced it was issued, and only while
 *   `live()` says invalidations are arriving; otherwise Redis is read, as without the cache;
 * - an entry served when more than half of `maxAgeMs` has passed is read again in the background (one
 *   read at a time per key), and the new read replaces it: a key in steady use is never waited for when
 *   its entry ages out (once per `maxAgeMs` a request would otherwise pay a Redis round trip, which shows
 *   in the latency's tail). A refresh that finds no key drops the entry; one that fails leaves it to
 *   expire at its own `maxAgeMs`;
 * - `evict(hash)` (a revocation message) removes the entry at once, and a read that was in flight when
 *   any eviction or `clear()` happened is returned to its caller but not stored, so a revocation that
 *   lands between a read and its caching cannot be undone by that read;
 * - only found keys are cached: an unknown key is read from Redis every time, so a key created on another
 *   replica works at once and random keys cannot grow memory.
 */
export class CachedApiKeys implements SecretHashLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  /** Bumped by every eviction: a read that started under an older generation is not stored. */
  private generation = 0;
  /** Keys whose entry is being read again in the background. */
  private readonly refreshing = new Set<string>();

  constructor(
    private readonly source: SecretHashLookup,
    private readonly options: CachedApiKeysOptions,
  ) {
    if (options.maxAgeMs > 1_000) throw new RangeError('maxAgeMs must be at most 1000');
    this.now = options.now ?? Date.now;
  }

  async findBySecretHash(secretHash: string): Promise<Principal | null> {
    const live = this.options.live();
    if (live) {
      const entry = this.entries.get(secretHash);
      const age = entry ? this.now() - entry.readAt : Infinity;
      if (entry && age < this.options.maxAgeMs) {
        if (age * 2 >= this.options.maxAgeMs) this.refresh(secretHash);
        return entry.principal;
      }
    }
    return this.read(secretHash, live);
  }

  /** Reads `secretHash` from the source and caches what it found, unless an eviction or an outage intervened. */
  private async read(secretHash: string, live: boolean): Promise<Principal | null> {
    const generation = this.generation;
    const readAt = this.now();
    const principal = await this.source.findBySecretHash(secretHash);
    if (principal && live && this.options.live() && generation === this.generation)
      this.store(secretHash, { principal, readAt });
    else this.entries.delete(secretHash);
    return principal;
  }

  private refresh(secretHash: string): void {
    if (this.refreshing.has(secretHash)) return;
    this.refreshing.add(secretHash);
    void this.read(secretHash, true)
      // A failed refresh leaves the entry to expire at its own max age; the request then reads (and fails) itself.
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(secretHash));
  }

  /** Forgets one key (its revocation message arrived). */
  evict(secretHash: string): void {
    this.generation += 1;
    this.entries.delete(secretHash);
  }

  /** Forgets every key (the invalidation channel was (re)subscribed: messages may have been missed). */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(secretHash: string, entry: Entry): void {
    this.entries.delete(secretHash);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(secretHash, entry);
  }
}
