import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface McpTestServer {
  /** `http://127.0.0.1:<port>/mcp` */
  readonly url: string;
  /** Headers of every HTTP request the server received. */
  readonly requests: { method: string; headers: IncomingHttpHeaders }[];
  /** Arguments of every `tools/call` of `add`. */
  readonly addCalls: { a: number; b: number }[];
  /** Set when a call of `slow` saw its request aborted. */
  readonly slowAborted: { value: boolean };
  close(): Promise<void>;
}

/** A real MCP server (the SDK's `McpServer`, stateless Streamable HTTP) on a loopback port. */
export async function startMcpTestServer(): Promise<McpTestServer> {
  const requests: McpTestServer['requests'] = [];
  const addCalls: McpTestServer['addCalls'] = [];
  const slowAborted = { value: false };

  const buildServer = () => {
    const server = new McpServer({ name: 'test-tools', version: '1.0.0' });
    server.registerTool(
      'add',
      { description: 'Adds two numbers.', inputSchema: { a: z.number(), b: z.number() } },
      ({ a, b }) => {
        addCalls.push({ a, b });
        return { content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } };
      },
    );
    server.registerTool('echo', { description: 'Echoes text.', inputSchema: { text: z.string() } }, ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    server.registerTool('fail', { description: 'Always fails.' }, () => ({
      content: [{ type: 'text', text: 'the backend is on fire' }],
      isError: true,
    }));
    server.registerTool('slow', { description: 'Never answers before it is cancelled.' }, async (extra) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        extra.signal.addEventListener('abort', () => {
          slowAborted.value = true;
          clearTimeout(timer);
          resolve();
        });
      });
      return { content: [{ type: 'text', text: 'too late' }] };
    });
    server.registerTool('lookup.v2', { description: 'A name OpenAI would not accept.' }, () => ({
      content: [{ type: 'text', text: 'ok' }],
    }));
    return server;
  };

  const http = createServer((request, response) => {
    requests.push({ method: request.method ?? '', headers: request.headers });
    if (request.url !== '/mcp' || request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({}); /* no session id generator: stateless */
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    void server
      .connect(transport)
      .then(() => transport.handleRequest(request, response))
      .catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    addCalls,
    slowAborted,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
