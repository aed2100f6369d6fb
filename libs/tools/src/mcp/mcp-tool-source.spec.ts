import { startMcpTestServer, type McpTestServer } from '@voxgate/testing';
import { createGuardedFetch } from '../http/guarded-fetch';
import { SsrfGuard } from '../http/ssrf-guard';
import { McpToolSource, namespacedToolName } from './mcp-tool-source';

describe('McpToolSource against a real MCP server', () => {
  let server: McpTestServer;
  let guard: SsrfGuard;
  let source: McpToolSource;

  beforeAll(async () => {
    server = await startMcpTestServer();
    guard = new SsrfGuard(['127.0.0.0/8']);
    source = new McpToolSource(createGuardedFetch(guard));
  });
  afterAll(async () => {
    await guard.close();
    await server.close();
  });

  it('lists the tools with their input schemas', async () => {
    const tools = await source.listTools({ url: server.url, headers: {} }, 5_000);
    expect(tools.map((tool) => tool.name).sort()).toEqual(['add', 'echo', 'fail', 'lookup.v2', 'slow']);
    const add = tools.find((tool) => tool.name === 'add');
    expect(add?.description).toBe('Adds two numbers.');
    expect(add?.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' } },
      required: ['a', 'b'],
    });
  });

  it('calls a tool, preferring structured content, and sends the registered headers', async () => {
    const outcome = await source.callTool(
      { url: server.url, headers: { authorization: 'Bearer mcp-secret' } },
      'add',
      { a: 2, b: 40 },
      5_000,
      new AbortController().signal,
    );
    expect(outcome).toEqual({ status: 'ok', result: { sum: 42 } });
    expect(server.addCalls).toContainEqual({ a: 2, b: 40 });
    expect(server.requests.some((request) => request.headers.authorization === 'Bearer mcp-secret')).toBe(true);
  });

  it('returns text content, and isError as a tool error', async () => {
    const server0 = { url: server.url, headers: {} };
    const signal = new AbortController().signal;
    expect(await source.callTool(server0, 'echo', { text: 'hi' }, 5_000, signal)).toEqual({
      status: 'ok',
      result: 'hi',
    });
    expect(await source.callTool(server0, 'fail', {}, 5_000, signal)).toMatchObject({
      status: 'error',
      code: 'tool_error',
      message: 'the backend is on fire',
    });
  });

  it('aborts the MCP request when the signal fires, and the server sees the cancellation', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('timed out')), 200);
    const started = Date.now();
    await expect(
      source.callTool({ url: server.url, headers: {} }, 'slow', {}, 10_000, controller.signal),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.slowAborted.value).toBe(true);
  });

  it('refuses a loopback server when loopback is not allow-listed', async () => {
    const strict = new SsrfGuard([]);
    const refused = new McpToolSource(createGuardedFetch(strict));
    await expect(refused.listTools({ url: server.url, headers: {} }, 2_000)).rejects.toThrow(/loopback/);
    await strict.close();
  });
});

describe('namespacedToolName', () => {
  it('joins server and tool with a double underscore', () => {
    expect(namespacedToolName('crm', 'find_customer')).toBe('crm__find_customer');
  });

  it('sanitises and disambiguates names OpenAI would refuse, within 64 characters', () => {
    const a = namespacedToolName('crm', 'weird.name/v2');
    const b = namespacedToolName('crm', 'weird_name/v2');
    expect(a).toMatch(/^crm__weird_name_v2_[a-z0-9]+$/);
    expect(a).not.toBe(b);
    const long = namespacedToolName('a'.repeat(60), 'tool');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});
