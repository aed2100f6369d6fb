import { GatewayError } from '@voxgate/openai-wire';
import { startMcpTestServer, type McpTestServer, useTestRedis } from '@voxgate/testing';
import { testSettings } from './__fixtures__/tool-fixtures';
import type { ToolCallScope } from './execution/execute-tool-call';
import { createToolsRuntime, type ToolsRuntime } from './tools-runtime';

const scope: ToolCallScope = { tenantId: 'ten_a', sessionId: 'sess_1', requestId: 'req_1', confirmationToken: null };

describe('tools runtime end to end (real Redis, real MCP server)', () => {
  const redis = useTestRedis();
  let mcp: McpTestServer;
  let runtime: ToolsRuntime;
  const warnings: string[] = [];

  beforeAll(async () => {
    mcp = await startMcpTestServer();
  });
  afterAll(() => mcp.close());
  beforeEach(() => {
    warnings.length = 0;
    runtime = createToolsRuntime({
      redis: redis().redis,
      settings: testSettings(),
      onWarning: (message) => warnings.push(message),
    });
  });
  afterEach(() => runtime.close());

  describe('MCP servers', () => {
    const register = (url: string) =>
      runtime.tools.register.execute({
        name: 'calc',
        description: 'Calculator service.',
        effect: 'read',
        timeout_ms: 3_000,
        implementation: { type: 'mcp', url, headers: { authorization: 'Bearer mcp-SECRET' } },
      });

    it('registers a server, exposes its tools by namespaced name, and calls one', async () => {
      const view = await register(mcp.url);
      expect(JSON.stringify(view)).not.toMatch(/SECRET/);
      await runtime.tools.enableForTenant.execute('ten_a', 'calc');
      const toolset = await runtime.resolveTenantTools.execute('ten_a');
      const names = toolset.tools.map((tool) => tool.name).sort();
      expect(names).toEqual([
        'calc__add',
        'calc__echo',
        'calc__fail',
        expect.stringMatching(/^calc__lookup_v2_[a-z0-9]+$/),
        'calc__slow',
      ]);
      expect(toolset.toOpenAITools().find((tool) => tool.function.name === 'calc__add')).toEqual({
        type: 'function',
        function: {
          name: 'calc__add',
          description: 'Calculator service. — Adds two numbers.',
          parameters: expect.objectContaining({ type: 'object', required: ['a', 'b'] }),
        },
      });

      const executed = await runtime.executor.execute(
        toolset.get('calc__add'),
        { id: 'call_1', name: 'calc__add', arguments: '{"a":1,"b":2}' },
        scope,
      );
      expect(executed.outcome).toEqual({ status: 'ok', result: { sum: 3 } });
      expect(executed.content).toBe('{"sum":3}');
      expect(mcp.requests.some((request) => request.headers.authorization === 'Bearer mcp-SECRET')).toBe(true);
    });

    it('validates arguments against the MCP tool schema before calling the server', async () => {
      await register(mcp.url);
      await runtime.tools.enableForTenant.execute('ten_a', 'calc');
      const toolset = await runtime.resolveTenantTools.execute('ten_a');
      const calls = mcp.addCalls.length;
      const executed = await runtime.executor.execute(
        toolset.get('calc__add'),
        { id: 'c', name: 'calc__add', arguments: '{"a":"one"}' },
        scope,
      );
      expect(executed.outcome).toMatchObject({ status: 'error', code: 'invalid_arguments' });
      expect(mcp.addCalls.length).toBe(calls);
    });

    it('answers 400 at registration when the MCP server is unreachable', async () => {
      const dead = await startMcpTestServer();
      const url = dead.url;
      await dead.close();
      let error: unknown;
      try {
        await register(url);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 400, code: 'tool_server_unreachable' });
      expect((error as GatewayError).message).toMatch(/ECONNREFUSED/);
      expect(await runtime.tools.list.execute()).toEqual([]);
    });

    it('answers 400 at registration when the URL serves no MCP', async () => {
      const error = await register(`${mcp.url.replace('/mcp', '/not-mcp')}`).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ status: 400, code: 'tool_server_unreachable' });
    });

    it('leaves out the tools of a server that went down, keeping the others', async () => {
      const flaky = await startMcpTestServer();
      await runtime.tools.register.execute({
        name: 'flaky',
        description: 'Goes away.',
        timeout_ms: 1_000,
        implementation: { type: 'mcp', url: flaky.url },
      });
      await runtime.tools.register.execute({ name: 'kb', implementation: { type: 'builtin', module: 'search' } });
      await flaky.close();
      await runtime.tools.enableForTenant.execute('ten_a', 'flaky');
      await runtime.tools.enableForTenant.execute('ten_a', 'kb');
      const toolset = await runtime.resolveTenantTools.execute('ten_a');
      expect(toolset.tools.map((tool) => tool.name)).toEqual(['kb']);
      expect(warnings).toEqual([expect.stringContaining("MCP tool server 'flaky' did not list its tools")]);
    });
  });

  describe('tenant toolsets', () => {
    it('holds only the tools enabled for the tenant, and follows enable/disable on the next resolve', async () => {
      await runtime.tools.register.execute({ name: 'kb', implementation: { type: 'builtin', module: 'search' } });
      await runtime.tools.register.execute({
        name: 'book_table',
        timeout_ms: 2_000,
        implementation: { type: 'builtin', module: 'booking', operation: 'book' },
      });
      await runtime.tools.enableForTenant.execute('ten_a', 'kb');
      await runtime.tools.enableForTenant.execute('ten_a', 'book_table');
      await runtime.tools.enableForTenant.execute('ten_b', 'kb');

      const a = await runtime.resolveTenantTools.execute('ten_a');
      expect(a.tools.map((tool) => [tool.name, tool.effect, tool.timeoutMs])).toEqual([
        ['book_table', 'side_effect', 2_000],
        ['kb', 'read', 5_000],
      ]);
      const openAi = a.toOpenAITools();
      expect(openAi[1]?.function.parameters).not.toHaveProperty('$schema');
      expect((await runtime.resolveTenantTools.execute('ten_b')).tools.map((tool) => tool.name)).toEqual(['kb']);
      expect((await runtime.resolveTenantTools.execute('ten_c')).size).toBe(0);

      await runtime.tools.disableForTenant.execute('ten_a', 'kb');
      expect((await runtime.resolveTenantTools.execute('ten_a')).has('kb')).toBe(false);
    });
  });

  describe('payment confirmation through the executor', () => {
    it('asks, then charges exactly once when the app confirms, even if the confirmed call is retried', async () => {
      await runtime.builtins.setPaymentPolicy.execute('ten_a', {
        currencies: { EUR: { max_amount: '1000', confirmation_above: '50' } },
      });
      await runtime.builtins.setCustomerBalance.execute('ten_a', 'cust_1', 'EUR', { amount: '500' });
      await runtime.tools.register.execute({
        name: 'pay',
        implementation: { type: 'builtin', module: 'payment', operation: 'charge' },
      });
      await runtime.tools.enableForTenant.execute('ten_a', 'pay');
      const toolset = await runtime.resolveTenantTools.execute('ten_a');
      expect(toolset.get('pay')?.needsApproval).toBe(true);
      const call = {
        id: 'call_1',
        name: 'pay',
        arguments: '{"customer_id":"cust_1","amount":"120.00","currency":"EUR"}',
      };

      const asked = await runtime.executor.execute(toolset.get('pay'), call, scope);
      expect(asked.outcome.status).toBe('confirmation_required');
      const token = asked.outcome.status === 'confirmation_required' ? asked.outcome.token : '';
      expect(asked.content).not.toContain(token);
      expect(JSON.parse(asked.content)).toMatchObject({
        status: 'confirmation_required',
        summary: { amount: '120.00' },
      });

      // The app confirms on the next turn (X-Voxgate-Confirmation); the model repeats the call.
      const confirmed = { ...scope, requestId: 'req_2', confirmationToken: token };
      const charged = await runtime.executor.execute(toolset.get('pay'), { ...call, id: 'call_2' }, confirmed);
      expect(charged.outcome).toMatchObject({ status: 'ok', result: { amount: '120.00' } });
      const retried = await runtime.executor.execute(
        toolset.get('pay'),
        { ...call, id: 'call_3' },
        { ...confirmed, requestId: 'req_3' },
      );
      expect(retried.replayed).toBe(true);
      expect(retried.content).toBe(charged.content);
      expect(await runtime.repositories.payments.balances('ten_a', 'cust_1')).toEqual({ EUR: 38_000 });
    });
  });
});
