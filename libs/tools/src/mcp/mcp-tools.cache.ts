import type { McpListedTool, McpServer, McpToolSource } from './mcp-tool-source';

interface Entry {
  readonly expiresAt: number;
  readonly tools: Promise<McpListedTool[]>;
}

/** A failed listing is retried no sooner than this, so a dead server does not slow every request. */
const FAILURE_TTL_MS = 5_000;

/**
 * Per-process cache of MCP servers' tool lists, keyed by the registration (name, generation and update
 * time, so an updated registration is listed afresh). Concurrent requests share one listing.
 */
export class McpToolsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly source: McpToolSource,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  list(key: string, server: McpServer, timeoutMs: number): Promise<McpListedTool[]> {
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.tools;
    const tools = this.source.listTools(server, timeoutMs, AbortSignal.timeout(timeoutMs));
    this.entries.set(key, { expiresAt: this.now() + this.ttlMs, tools });
    tools.catch(() => {
      const entry = this.entries.get(key);
      if (entry?.tools === tools)
        this.entries.set(key, { expiresAt: this.now() + Math.min(this.ttlMs, FAILURE_TTL_MS), tools });
    });
    this.evictExpired();
    return tools;
  }

  private evictExpired(): void {
    if (this.entries.size < 1_000) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
