import { createRequire } from 'node:module';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { FetchLike } from '../http/guarded-fetch';
import type { JsonObject, JsonValue, ToolOutcome } from '../tool-module';
import { failure, ok } from '../tool-module';
import { redactOutcome } from '../redact-outcome';

/** Where an MCP server is and the (secret) headers it wants. */
export interface McpServer {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A tool as the server lists it. */
export interface McpListedTool {
  readonly name: string;
  readonly description: string;
  /** The tool's `inputSchema` (always `type: "object"` per the MCP spec). */
  readonly inputSchema: JsonObject;
}

const MAX_PAGES = 20;

/**
 * Talks to remote MCP servers over Streamable HTTP with the official SDK. Each operation opens its own
 * session (initialize, request, terminate): no connection state survives between tool calls, so any
 * replica can serve any call, at the price of one extra round trip. All traffic goes through the
 * SSRF-guarded fetch; the abort signal and timeout reach the SDK request.
 */
export class McpToolSource {
  constructor(
    private readonly fetch: FetchLike,
    private readonly clientInfo = { name: 'voxgate', version: '0.1.0' },
  ) {}

  /** Every tool the server lists (following pagination). */
  listTools(server: McpServer, timeoutMs: number, signal?: AbortSignal): Promise<McpListedTool[]> {
    return this.withClient(server, timeoutMs, signal, async (client, options) => {
      const tools: McpListedTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const listed = await client.listTools(cursor === undefined ? {} : { cursor }, options);
        for (const tool of listed.tools) {
          tools.push({
            name: tool.name,
            description: tool.description ?? tool.title ?? '',
            inputSchema: tool.inputSchema as JsonObject,
          });
        }
        cursor = listed.nextCursor;
        if (cursor === undefined) break;
      }
      return tools;
    });
  }

  /** Calls one tool; a result with `isError` is a tool error, structured content is preferred over text. */
  callTool(
    server: McpServer,
    name: string,
    input: JsonObject,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<ToolOutcome> {
    return this.withClient(server, timeoutMs, signal, async (client, options) =>
      redactOutcome(await this.call(client, options, name, input), server.headers),
    );
  }

  private async call(
    client: Client,
    options: { timeout: number; signal?: AbortSignal },
    name: string,
    input: JsonObject,
  ): Promise<ToolOutcome> {
    const result = await client.callTool({ name, arguments: input }, undefined, options);
    const text = Array.isArray(result.content)
      ? (result.content as { type: string; text?: string }[])
          .map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type} content omitted]`))
          .join('\n')
      : '';
    if (result.isError === true) return failure('tool_error', text || 'The MCP tool reported an error.');
    if (result.structuredContent !== undefined) return ok(result.structuredContent as JsonValue);
    if ('toolResult' in result && result.content === undefined) return ok(result.toolResult as JsonValue);
    return ok(text);
  }

  private async withClient<T>(
    server: McpServer,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    use: (client: Client, options: { timeout: number; signal?: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const sdk = mcpSdk();
    const transport = new sdk.StreamableHTTPClientTransport(new URL(server.url), {
      fetch: this.fetch,
      requestInit: { headers: { ...server.headers } },
    });
    const client = new sdk.Client(this.clientInfo);
    const options = signal ? { timeout: timeoutMs, signal } : { timeout: timeoutMs };
    try {
      await client.connect(transport, options);
      return await use(client, options);
    } finally {
      // Best effort: ends the server-side session; the result is already in hand.
      void transport
        .terminateSession()
        .catch(() => undefined)
        .finally(() => void client.close().catch(() => undefined));
    }
  }
}

/**
 * `<server>__<tool>`, restricted to OpenAI's function-name alphabet and 64 characters. A tool name that
 * had to be changed (other characters, too long) gets a short hash so two tools never share a name.
 */
export function namespacedToolName(server: string, tool: string): string {
  const safe = tool.replace(/[^a-zA-Z0-9_-]/g, '_');
  let name = `${server}__${safe}`;
  if (safe !== tool || name.length > 64) {
    const hash = fnv1a(tool).toString(36).slice(0, 6);
    name = `${name.slice(0, 64 - hash.length - 1)}_${hash}`;
  }
  return name;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

type McpSdk = typeof import('@modelcontextprotocol/sdk/client/index.js') &
  typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js');
let loadedSdk: McpSdk | undefined;

/**
 * The MCP SDK's client, loaded on the first call to an MCP server rather than at boot: it costs about
 * 20 MB of RSS (docs/performance.md, "Memory"), and most deployments register no MCP server. The first
 * MCP call pays for loading it once (tens of milliseconds), next to a network round trip to the server.
 */
function mcpSdk(): McpSdk {
  if (!loadedSdk) {
    const load = createRequire(__filename);
    loadedSdk = {
      ...(load(
        '@modelcontextprotocol/sdk/client/index.js',
      ) as typeof import('@modelcontextprotocol/sdk/client/index.js')),
      ...(load(
        '@modelcontextprotocol/sdk/client/streamableHttp.js',
      ) as typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js')),
    };
  }
  return loadedSdk;
}
