import type { McpListedTool, McpServer, McpToolSource } from './mcp-tool-source';

interface Entry {
  readonly expiresAt: number;
  readonly tools: Promise<McpListedTool[]>;
  /** Set once `tools` resolved: only a listing that succeeded is refreshed ahead. */
  listed: boolean;
  /** No background listing before this (one is running: never; one failed: after `FAILURE_TTL_MS`). */
  refreshAfter: number;
}

/** A failed listing is retried no sooner than this, so a dead server does not slow every request. */
const FAILURE_TTL_MS = 5_000;

/**
 * Per-process cache of MCP servers' tool lists, keyed by the registration (name, generation and update
 * time, so an updated registration is listed afresh). Concurrent requests share one listing.
 *
 * A list used in the second half of its `ttlMs` is listed again in the background (one listing at a time
 * per key), and the new list replaces it, so a server in steady use is not waited for when its entry
 * expires. A background listing that fails leaves the entry to expire (and is not tried again for
 * `FAILURE_TTL_MS`); a listing that fails on the request's path is remembered for at most `FAILURE_TTL_MS`.
 */
export class McpToolsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly source: Pick<McpToolSource, 'listTools'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  list(key: string, server: McpServer, timeoutMs: number): Promise<McpListedTool[]> {
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.now()) {
      if (cached.listed && this.now() >= cached.refreshAfter) this.refresh(key, server, timeoutMs, cached);
      return cached.tools;
    }
    const tools = this.listTools(server, timeoutMs);
    const entry = this.store(key, tools);
    tools.then(
      () => {
        entry.listed = true;
      },
      () => {
        if (this.entries.get(key) === entry) this.store(key, tools, Math.min(this.ttlMs, FAILURE_TTL_MS));
      },
    );
    this.evictExpired();
    return tools;
  }

  private refresh(key: string, server: McpServer, timeoutMs: number, cached: Entry): void {
    cached.refreshAfter = Infinity;
    const issuedAt = this.now();
    const tools = this.listTools(server, timeoutMs);
    tools.then(
      () => {
        if (this.entries.get(key) === cached) this.store(key, tools, this.ttlMs, issuedAt).listed = true;
      },
      () => {
        cached.refreshAfter = this.now() + FAILURE_TTL_MS;
      },
    );
  }

  private listTools(server: McpServer, timeoutMs: number): Promise<McpListedTool[]> {
    return this.source.listTools(server, timeoutMs, AbortSignal.timeout(timeoutMs));
  }

  /** Caches `tools` as listed at `now`, for `lifeMs`; refreshed ahead from half of that. */
  private store(key: string, tools: Promise<McpListedTool[]>, lifeMs = this.ttlMs, now = this.now()): Entry {
    const entry: Entry = { expiresAt: now + lifeMs, tools, listed: false, refreshAfter: now + lifeMs / 2 };
    this.entries.set(key, entry);
    return entry;
  }

  private evictExpired(): void {
    if (this.entries.size < 1_000) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
