import type { McpListedTool, McpToolSource } from './mcp-tool-source';
import { McpToolsCache } from './mcp-tools.cache';

const server = { url: 'https://mcp.example.com/mcp', headers: {} };

/** A server whose every listing is a new list (named by its number), answered or failed when the test says. */
function source() {
  const pending: { resolve: (tools: McpListedTool[]) => void; reject: (error: Error) => void }[] = [];
  const mcp: Pick<McpToolSource, 'listTools'> = {
    listTools: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
  };
  const listOf = (n: number): McpListedTool[] => [
    { name: `tool-${n}`, description: '', inputSchema: { type: 'object' } },
  ];
  return {
    mcp,
    listings: () => pending.length,
    answer: (n: number) => pending[n]!.resolve(listOf(n)),
    fail: (n: number) => pending[n]!.reject(new Error('unreachable')),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('McpToolsCache', () => {
  let now = 0;
  const names = (tools: McpListedTool[]) => tools.map((tool) => tool.name);

  beforeEach(() => {
    now = 100_000;
  });

  /** A server, a cache with a 60 s ttl in front of it, and the cache's `list` for one registration. */
  function setUp() {
    const mcp = source();
    const cache = new McpToolsCache(mcp.mcp, 60_000, () => now);
    return { mcp, list: () => cache.list('k', server, 1_000) };
  }

  /** `setUp`, with the first listing answered and cached (`first`, the list `tool-0`). */
  async function listedOnce() {
    const { mcp, list } = setUp();
    const pending = list();
    mcp.answer(0);
    return { mcp, list, first: await pending };
  }

  it('shares one listing between concurrent requests and reuses it for its ttl', async () => {
    const { mcp, list } = setUp();
    const first = list();
    const second = list();
    mcp.answer(0);
    expect(names(await first)).toEqual(['tool-0']);
    expect(await second).toBe(await first);
    now += 29_999;
    await list();
    expect(mcp.listings()).toBe(1);
  });

  it('lists a server in use again in the background once half its ttl passed, so no request waits for it', async () => {
    const { mcp, list, first } = await listedOnce();
    now += 40_000;
    expect(await list()).toBe(first); // answered at once, listing behind
    expect(await list()).toBe(first); // one listing at a time
    expect(mcp.listings()).toBe(2);
    mcp.answer(1);
    await settle();
    now += 20_000; // the first listing's ttl is over; the refresh (issued at +40 s) answers without waiting
    expect(names(await list())).toEqual(['tool-1']);
    expect(mcp.listings()).toBe(2);
  });

  it('keeps the list when a background listing fails, and does not try again for 5 s', async () => {
    const { mcp, list, first } = await listedOnce();
    now += 40_000;
    await list();
    mcp.fail(1);
    await settle();
    now += 4_999;
    expect(await list()).toBe(first);
    expect(mcp.listings()).toBe(2);
    now += 1;
    await list();
    expect(mcp.listings()).toBe(3);
  });

  it('remembers a listing that failed on the request path for at most 5 s', async () => {
    const { mcp, list } = setUp();
    const failed = list();
    mcp.fail(0);
    await expect(failed).rejects.toThrow('unreachable');
    now += 4_999;
    await expect(list()).rejects.toThrow('unreachable');
    expect(mcp.listings()).toBe(1);
    now += 1;
    const again = list();
    mcp.answer(1);
    expect(names(await again)).toEqual(['tool-1']);
  });
});
