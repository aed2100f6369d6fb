import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type McpTestServer, startMcpTestServer } from '@voxgate/testing';
import { SNAPSHOT } from './support/relay-config';
import { sentRequests, toolMessages, toolRunsOf, useToolsEnv } from './support/tools-env';

/** A real MCP server (the official SDK, Streamable HTTP) registered through the admin API and called by the model. */
describe('server tools: MCP', () => {
  const env = useToolsEnv();
  let mcp: McpTestServer;

  beforeAll(async () => {
    mcp = await startMcpTestServer();
  });
  afterAll(() => mcp.close());

  it('registers a server, offers its tools under namespaced names, and feeds a call’s result back', async () => {
    const { gateway, tenantId, client, upstream } = env();
    const created = await gateway.admin('POST', '/admin/tools', {
      name: 'calc',
      description: 'Calculator service.',
      effect: 'read',
      implementation: { type: 'mcp', url: mcp.url, headers: { authorization: 'Bearer mcp-SECRET-31' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'calc',
      implementation: { type: 'mcp', url: mcp.url, headers: { authorization: '***' } },
    });
    expect((await gateway.admin('PUT', `/admin/tenants/${tenantId}/tools/calc`)).status).toBe(200);
    const listed = await gateway.admin('GET', `/admin/tenants/${tenantId}/tools`);
    expect((listed.body as { data: { name: string }[] }).data.map((tool) => tool.name)).toEqual(['calc']);

    upstream.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'calc__add', arguments: { a: 2, b: 3 }, id: 'call_add' }] },
      { kind: 'completion', message: { content: '2 + 3 = 5.' } },
    );
    const answer = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
    });

    const [first, second] = sentRequests(upstream);
    const offered = first?.tools?.map((tool) => tool.function.name) ?? [];
    expect(offered).toEqual(expect.arrayContaining(['calc__add', 'calc__echo', 'calc__fail', 'calc__slow']));
    expect(offered.find((name) => name.startsWith('calc__lookup'))).toMatch(/^calc__lookup_v2_[0-9a-z]+$/);
    expect(first?.tools?.find((tool) => tool.function.name === 'calc__add')?.function.parameters).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
    });
    expect(toolMessages(second)).toEqual([{ tool_call_id: 'call_add', content: { sum: 5 } }]);
    expect(mcp.addCalls).toEqual([{ a: 2, b: 3 }]);
    expect(mcp.requests.every((request) => request.headers.authorization === 'Bearer mcp-SECRET-31')).toBe(true);
    expect(toolRunsOf(answer)).toEqual([{ name: 'calc__add', status: 'ok', replayed: false }]);
    expect(answer.choices[0]?.message.content).toBe('2 + 3 = 5.');
  });

  it('feeds an MCP tool error and invalid arguments back, without calling the server for the latter', async () => {
    const { client, upstream } = env();
    const callsBefore = mcp.addCalls.length;
    upstream.enqueue(
      {
        kind: 'toolCalls',
        calls: [
          { name: 'calc__fail', arguments: {}, id: 'call_fail' },
          { name: 'calc__add', arguments: { a: 'two', b: 3 }, id: 'call_bad' },
        ],
      },
      { kind: 'completion', message: { content: 'Sorry.' } },
    );
    await client.chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'Try it.' }] });
    const [failed, invalid] = toolMessages(sentRequests(upstream)[1]);
    expect(failed).toEqual({
      tool_call_id: 'call_fail',
      content: { status: 'error', error: { code: 'tool_error', message: 'the backend is on fire' } },
    });
    expect(invalid?.content).toMatchObject({ status: 'error', error: { code: 'invalid_arguments' } });
    expect(mcp.addCalls).toHaveLength(callsBefore);
  });

  it('refuses to register an MCP server it cannot reach: 400 tool_server_unreachable', async () => {
    const { gateway } = env();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const refused = await gateway.admin('POST', '/admin/tools', {
      name: 'gone',
      implementation: { type: 'mcp', url: `http://127.0.0.1:${port}/mcp`, headers: { 'x-api-key': 'mcp-SECRET-99' } },
    });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        error: {
          type: 'invalid_request_error',
          code: 'tool_server_unreachable',
          param: 'implementation.url',
          message: expect.stringContaining(`127.0.0.1:${port}`),
        },
      },
    });
    expect(JSON.stringify(refused.body)).not.toContain('mcp-SECRET-99');
    expect((await gateway.admin('GET', '/admin/tools/gone')).status).toBe(404);
    expect(gateway.output).not.toContain('mcp-SECRET');
  });
});
