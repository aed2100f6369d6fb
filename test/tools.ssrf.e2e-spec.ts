import { startMcpTestServer, type McpTestServer } from '@voxgate/testing';
import { GatewayProcess } from './support/gateway-process';
import { LOOPBACK_ONLY } from './support/tools-env';

const SECRET = 'Bearer ssrf-SECRET-5150';

const httpTool = (url: string) => ({
  name: 'fetch_thing',
  description: 'Fetches a thing.',
  parameters: { type: 'object', properties: {} },
  implementation: { type: 'http', url, headers: { authorization: SECRET } },
});

/**
 * SSRF refusals when ops register HTTP and MCP tools: clear 400s in OpenAI's envelope naming the param,
 * the tool's secret headers never echoed. One gateway allow-lists loopback only (as the other e2e tests
 * do); the other allow-lists nothing, so loopback is refused too.
 */
describe('server tools: SSRF refusals at registration', () => {
  let loopbackAllowed: GatewayProcess;
  let nothingAllowed: GatewayProcess;
  let mcp: McpTestServer;

  beforeAll(async () => {
    [loopbackAllowed, nothingAllowed, mcp] = await Promise.all([
      GatewayProcess.start({ config: { tools: LOOPBACK_ONLY } }),
      GatewayProcess.start({ config: { tools: { ssrfAllowList: [] } } }),
      startMcpTestServer(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([loopbackAllowed?.stop(), nothingAllowed?.stop(), mcp?.close()]);
  });

  const expectRefused = async (gateway: GatewayProcess, body: unknown, reason: RegExp) => {
    const response = await gateway.admin('POST', '/admin/tools', body);
    expect(response).toEqual({
      status: 400,
      body: {
        error: {
          message: expect.stringMatching(reason),
          type: 'invalid_request_error',
          param: 'implementation.url',
          code: 'tool_url_not_allowed',
        },
      },
    });
    expect(JSON.stringify(response.body)).not.toContain('SECRET');
    expect((response.body as { error: { message: string } }).error.message).toContain('tools.ssrfAllowList');
  };

  it('refuses the cloud metadata address and private networks even when loopback is allow-listed', async () => {
    await expectRefused(loopbackAllowed, httpTool('http://169.254.169.254/latest/meta-data/'), /link-local/i);
    await expectRefused(loopbackAllowed, httpTool('http://10.0.0.1/'), /private/i);
    await expectRefused(loopbackAllowed, httpTool('http://[fd00::1]/'), /unique local|private/i);
    await expectRefused(
      loopbackAllowed,
      {
        name: 'meta_mcp',
        implementation: { type: 'mcp', url: 'http://169.254.169.254/mcp', headers: { 'x-key': SECRET } },
      },
      /link-local/i,
    );
    expect((await loopbackAllowed.admin('GET', '/admin/tools')).body).toEqual({ object: 'list', data: [] });
  });

  it('refuses loopback, also spelled as an IPv4-mapped IPv6 address, when it is not allow-listed', async () => {
    await expectRefused(nothingAllowed, httpTool(`${new URL(mcp.url).origin}/lookup`), /loopback/i);
    await expectRefused(nothingAllowed, httpTool('http://[::ffff:127.0.0.1]/'), /loopback/i);
    await expectRefused(nothingAllowed, httpTool('http://[::1]:8080/'), /loopback/i);
    await expectRefused(
      nothingAllowed,
      { name: 'local_mcp', implementation: { type: 'mcp', url: mcp.url, headers: { 'x-key': SECRET } } },
      /loopback/i,
    );
    // Nothing reached the MCP server: the URL is checked before any connection.
    expect(mcp.requests).toHaveLength(0);
  });

  it('accepts the same loopback MCP server where loopback is allow-listed', async () => {
    const created = await loopbackAllowed.admin('POST', '/admin/tools', {
      name: 'local_mcp',
      implementation: { type: 'mcp', url: mcp.url },
    });
    expect(created.status).toBe(201);
  });

  it('refuses a private URL on update too, keeping the stored tool', async () => {
    const url = `${new URL(mcp.url).origin}/thing`;
    expect((await loopbackAllowed.admin('POST', '/admin/tools', httpTool(url))).status).toBe(201);
    const update = await loopbackAllowed.admin('PUT', '/admin/tools/fetch_thing', httpTool('http://192.168.1.10/'));
    expect(update).toMatchObject({
      status: 400,
      body: { error: { code: 'tool_url_not_allowed', param: 'implementation.url' } },
    });
    expect(JSON.stringify(update.body)).not.toContain('SECRET');
    expect(await loopbackAllowed.admin('GET', '/admin/tools/fetch_thing')).toMatchObject({
      status: 200,
      body: { implementation: { url, headers: { authorization: '***' } } },
    });
  });

  it('never logs a secret header', () => {
    expect(loopbackAllowed.output).not.toContain('SECRET');
    expect(nothingAllowed.output).not.toContain('SECRET');
  });
});
