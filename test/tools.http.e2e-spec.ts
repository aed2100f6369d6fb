import { SNAPSHOT } from './support/relay-config';
import {
  answerJson,
  eventually,
  hang,
  registerTool,
  sentRequests,
  ToolServer,
  toolMessages,
  toolRunsOf,
  useToolsEnv,
} from './support/tools-env';

/**
 * Remote HTTP tools run by the loop: what the model gets back when arguments are invalid, the tool fails,
 * hangs, or times out after a side effect was sent; and how calls of one round run (together or in turn).
 */
describe('server tools: HTTP tools', () => {
  const env = useToolsEnv();
  let tools: ToolServer;

  beforeAll(async () => {
    tools = await ToolServer.start();
    tools
      .route('/orders', answerJson(200, { status: 'shipped' }))
      .route('/fail', answerJson(500, { error: 'database is down' }))
      .route('/hang', hang)
      .route('/send', hang)
      .route('/work', answerJson(200, { done: true }, 300));
    const { gateway, tenantId } = env();
    const http = (name: string, path: string, extra: Record<string, unknown> = {}) =>
      registerTool(gateway, tenantId, {
        name,
        description: `The ${name} tool.`,
        parameters: {
          type: 'object',
          properties: { order_id: { type: 'integer', minimum: 1 } },
          required: ['order_id'],
          additionalProperties: false,
        },
        effect: 'read',
        implementation: {
          type: 'http',
          url: `${tools.url}${path}`,
          headers: { authorization: 'Bearer tool-SECRET-77' },
        },
        ...extra,
      });
    await http('lookup_order', '/orders');
    await http('inventory', '/fail');
    await http('slow_report', '/hang', { timeout_ms: 300 });
    await http('send_email', '/send', { timeout_ms: 300, effect: 'side_effect' });
    await http('work', '/work');
  });
  beforeEach(() => tools.resetCounters());
  afterAll(() => tools.stop());

  /** One turn: the model calls `calls` in one message, then answers. */
  const turn = (
    calls: { name: string; arguments: Record<string, unknown> | string; id?: string }[],
    options: { headers?: Record<string, string>; parallel?: boolean } = {},
  ) => {
    const { client, upstream } = env();
    upstream.enqueue({ kind: 'toolCalls', calls }, { kind: 'completion', message: { content: 'Here you go.' } });
    return client.chat.completions
      .create(
        {
          model: SNAPSHOT,
          messages: [{ role: 'user', content: 'Where is my order?' }],
          ...(options.parallel === undefined ? {} : { parallel_tool_calls: options.parallel }),
        },
        options.headers ? { headers: options.headers } : {},
      )
      .withResponse();
  };
  const fedBack = () => toolMessages(sentRequests(env().upstream).at(-1));

  it('runs a valid call: the endpoint gets the arguments and the gateway headers, the model the JSON answer', async () => {
    const { data } = await turn([{ name: 'lookup_order', arguments: { order_id: 7 }, id: 'call_ok' }]);
    expect(fedBack()).toEqual([{ tool_call_id: 'call_ok', content: { status: 'shipped' } }]);
    expect(toolRunsOf(data)).toEqual([{ name: 'lookup_order', status: 'ok', replayed: false }]);
    const [hit] = tools.hitsOf('/orders');
    expect(hit?.body).toEqual({ order_id: 7 });
    expect(hit?.headers).toMatchObject({
      authorization: 'Bearer tool-SECRET-77',
      'x-voxgate-tenant-id': env().tenantId,
      'idempotency-key': expect.any(String),
    });
  });

  it('never executes invalid arguments: the validation error is the tool message', async () => {
    const { data } = await turn([
      { name: 'lookup_order', arguments: { order_id: 'seven' }, id: 'call_type' },
      { name: 'lookup_order', arguments: { order_id: 3, extra: true }, id: 'call_extra' },
      { name: 'lookup_order', arguments: '{"order_id": 3', id: 'call_json' },
    ]);
    const [type, extra, json] = fedBack();
    expect(type).toEqual({
      tool_call_id: 'call_type',
      content: {
        status: 'error',
        error: {
          code: 'invalid_arguments',
          message: 'The arguments do not match the tool schema; nothing was executed.',
          details: [{ path: '/order_id', message: expect.stringContaining('integer') }],
        },
      },
    });
    expect(extra?.content).toMatchObject({ error: { code: 'invalid_arguments', details: [expect.anything()] } });
    expect(JSON.stringify(extra?.content)).toMatch(/extra|additional/);
    expect(json?.content).toMatchObject({ status: 'error', error: { code: 'invalid_arguments' } });
    expect(tools.hitsOf('/orders')).toHaveLength(0);
    expect(toolRunsOf(data).map((run) => run.status)).toEqual(['error', 'error', 'error']);
    expect(data.choices[0]?.message.content).toBe('Here you go.');
  });

  it('feeds a tool’s HTTP 500 back to the model, with the status and body', async () => {
    await turn([{ name: 'inventory', arguments: { order_id: 1 }, id: 'call_500' }]);
    expect(fedBack()).toEqual([
      {
        tool_call_id: 'call_500',
        content: {
          status: 'error',
          error: {
            code: 'http_error',
            message: 'The tool endpoint answered HTTP 500.',
            details: { status: 500, body: '{"error":"database is down"}' },
          },
        },
      },
    ]);
    expect(tools.hitsOf('/fail')).toHaveLength(1);
  });

  it('times out a tool that hangs: the timeout is fed back and the tool’s server sees the request aborted', async () => {
    const started = Date.now();
    const { data } = await turn([{ name: 'slow_report', arguments: { order_id: 1 }, id: 'call_slow' }]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fedBack()).toEqual([
      {
        tool_call_id: 'call_slow',
        content: { status: 'error', error: { code: 'timeout', message: 'The tool did not answer within 300 ms.' } },
      },
    ]);
    expect(toolRunsOf(data)).toEqual([{ name: 'slow_report', status: 'error', replayed: false }]);
    const [hit] = tools.hitsOf('/hang');
    await eventually(() => hit?.aborted === true, 3_000, 'the tool server to see its request aborted');
  });

  it('a side effect that times out after sending is pending; a client retry with the same Idempotency-Key does not send it again', async () => {
    const headers = { 'Idempotency-Key': `email-${Date.now()}` };
    const first = await turn([{ name: 'send_email', arguments: { order_id: 9 }, id: 'call_mail' }], { headers });
    expect(toolRunsOf(first.data)).toEqual([{ name: 'send_email', status: 'pending', replayed: false }]);
    expect(fedBack()[0]?.content).toEqual({ status: 'pending', message: expect.stringContaining('Do not retry') });
    expect(tools.hitsOf('/send')).toHaveLength(1);

    const retry = await turn([{ name: 'send_email', arguments: { order_id: 9 }, id: 'call_mail' }], { headers });
    expect(toolRunsOf(retry.data)).toEqual([{ name: 'send_email', status: 'pending', replayed: true }]);
    expect(fedBack()[0]?.content).toMatchObject({ status: 'pending' });
    expect(retry.response.headers.get('x-voxgate-tool-runs')).toBe(
      '[{"name":"send_email","status":"pending","replayed":true}]',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tools.hitsOf('/send')).toHaveLength(1);
  });

  it('runs the calls of one round concurrently', async () => {
    const calls = [1, 2, 3].map((id) => ({ name: 'work', arguments: { order_id: id }, id: `call_${id}` }));
    await turn(calls);
    expect(tools.hitsOf('/work')).toHaveLength(3);
    expect(tools.maxInFlightOf('/work')).toBe(3);
    expect(fedBack().map((message) => message.tool_call_id)).toEqual(['call_1', 'call_2', 'call_3']);
  });

  it('runs them one after another, in order, with parallel_tool_calls: false', async () => {
    const calls = [1, 2, 3].map((id) => ({ name: 'work', arguments: { order_id: id }, id: `call_${id}` }));
    await turn(calls, { parallel: false });
    expect(sentRequests(env().upstream)[0]?.parallel_tool_calls).toBe(false);
    expect(tools.hitsOf('/work').map((hit) => (hit.body as { order_id: number }).order_id)).toEqual([1, 2, 3]);
    expect(tools.maxInFlightOf('/work')).toBe(1);
    expect(fedBack().map((message) => message.tool_call_id)).toEqual(['call_1', 'call_2', 'call_3']);
  });

  it('never writes a tool’s secret header to the gateway log', () => {
    expect(env().gateway.output).not.toContain('tool-SECRET-77');
  });
});
