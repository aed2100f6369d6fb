import type OpenAI from 'openai';
import { spec } from './support/e2e-env';
import { SNAPSHOT } from './support/relay-config';
import { registerTool, sentRequests, toolMessages, toolRunsOf, useToolsEnv } from './support/tools-env';

const ROUND_USAGE = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };
const kb = (query: string) => ({ name: 'kb', arguments: { query } });

/**
 * The loop's budget and stops (rounds, tokens, a repeated call), and server tools mixed with the client's
 * own tools, on non-streaming completions. This gateway allows 3 tool rounds and 5000 tokens.
 */
describe('server tools: loop budget and client tools', () => {
  const env = useToolsEnv({ loop: { maxRounds: 3, maxWallMs: 60_000, maxTokens: 5_000 } });

  beforeAll(async () => {
    const { gateway, tenantId } = env();
    await registerTool(gateway, tenantId, { name: 'kb', implementation: { type: 'builtin', module: 'search' } });
    const upload = await gateway.admin('POST', `/admin/tenants/${tenantId}/search/documents`, {
      documents: [{ id: 'hours', title: 'Opening hours', text: 'We open at 7 pm and close at midnight.' }],
    });
    expect(upload.status).toBe(201);
  });

  const ask = (extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
    env()
      .client.chat.completions.create({
        model: SNAPSHOT,
        messages: [{ role: 'user', content: 'When do you open?' }],
        ...extra,
      })
      .withResponse();

  it('after maxRounds the model is asked once more with tool_choice "none"; the client gets its answer and the usage of every call', async () => {
    const { upstream } = env();
    upstream.enqueue(
      { kind: 'toolCalls', calls: [kb('open')], usage: ROUND_USAGE },
      { kind: 'toolCalls', calls: [kb('opening hours')], usage: ROUND_USAGE },
      { kind: 'toolCalls', calls: [kb('when open')], usage: ROUND_USAGE },
      {
        kind: 'completion',
        message: { content: 'We open at 7 pm.' },
        usage: { prompt_tokens: 200, completion_tokens: 20, total_tokens: 220 },
      },
    );
    const { data, response } = await ask();

    const sent = sentRequests(upstream);
    expect(sent).toHaveLength(4);
    expect(sent.map((request) => request.tool_choice)).toEqual([undefined, undefined, undefined, 'none']);
    expect(sent.map((request) => toolMessages(request).length)).toEqual([0, 1, 2, 3]);
    expect(toolMessages(sent[3]).map((message) => JSON.stringify(message.content))).toEqual([
      expect.stringContaining('hours'),
      expect.stringContaining('hours'),
      expect.stringContaining('hours'),
    ]);
    expect(data.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'We open at 7 pm.' } });
    expect(data.usage).toMatchObject({ prompt_tokens: 500, completion_tokens: 50, total_tokens: 550 });
    expect(JSON.parse(response.headers.get('x-voxgate-tool-runs') ?? '[]')).toHaveLength(3);
  });

  it('a model that still calls server tools after the budget gets no more rounds, and the client sees no server call', async () => {
    const { upstream } = env();
    upstream.enqueue(
      { kind: 'toolCalls', calls: [kb('a')] },
      { kind: 'toolCalls', calls: [kb('b')] },
      { kind: 'toolCalls', calls: [kb('c')] },
      { kind: 'toolCalls', calls: [kb('d')] },
    );
    const { data } = await ask();
    expect(sentRequests(upstream)).toHaveLength(4);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.choices[0]?.message.tool_calls).toBeUndefined();
    expect(toolRunsOf(data)).toHaveLength(3);
  });

  it('stops when the model repeats the same call: the repeat is not run, the model answers without tools', async () => {
    const { upstream } = env();
    upstream.enqueue(
      { kind: 'toolCalls', calls: [kb('hours')] },
      { kind: 'toolCalls', calls: [kb('hours')] },
      { kind: 'completion', message: { content: 'We open at 7 pm.' } },
    );
    const { data } = await ask();
    const sent = sentRequests(upstream);
    expect(sent.map((request) => request.tool_choice)).toEqual([undefined, undefined, 'none']);
    expect(toolRunsOf(data)).toHaveLength(1);
    expect(sent[2]!.messages.filter((message) => message.role === 'tool')).toHaveLength(1);
    expect(data.choices[0]?.message.content).toBe('We open at 7 pm.');
  });

  it('stops when the tokens spent pass the budget', async () => {
    const { upstream } = env();
    upstream.enqueue(
      {
        kind: 'toolCalls',
        calls: [kb('hours')],
        usage: { prompt_tokens: 5_900, completion_tokens: 100, total_tokens: 6_000 },
      },
      { kind: 'completion', message: { content: 'We open at 7 pm.' } },
    );
    const { data } = await ask();
    expect(sentRequests(upstream).map((request) => request.tool_choice)).toEqual([undefined, 'none']);
    expect(data.usage!.total_tokens).toBeGreaterThan(6_000);
  });

  it('executes the server call and returns the client call exactly as OpenAI shapes it', async () => {
    const { upstream } = env();
    const clientTool: OpenAI.ChatCompletionTool = {
      type: 'function',
      function: {
        name: 'get_location',
        description: 'The user’s location, from the device.',
        parameters: { type: 'object', properties: {} },
      },
    };
    upstream.enqueue({
      kind: 'toolCalls',
      calls: [
        { ...kb('hours'), id: 'call_server' },
        { name: 'get_location', arguments: {}, id: 'call_client' },
      ],
    });
    const { data, response } = await ask({ tools: [clientTool] });

    expect(sentRequests(upstream)).toHaveLength(1);
    expect(sentRequests(upstream)[0]?.tools?.map((tool) => tool.function.name)).toEqual(['get_location', 'kb']);
    expect(JSON.parse(response.headers.get('x-voxgate-tool-runs') ?? '[]')).toEqual([
      { name: 'kb', status: 'ok', replayed: false },
    ]);
    const { voxgate, ...openaiShape } = data as typeof data & { voxgate?: unknown };
    expect(voxgate).toEqual({ tool_runs: [{ name: 'kb', status: 'ok', replayed: false }] });
    spec.assertValid('CreateChatCompletionResponse', openaiShape);
    expect(data.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_client', type: 'function', function: { name: 'get_location', arguments: '{}' } }],
      },
    });
    expect(data.choices[0]?.message.tool_calls).toHaveLength(1);

    // The app runs its tool and sends the result back, as with OpenAI.
    upstream.enqueue({ kind: 'completion', message: { content: 'The nearest branch opens at 7 pm.' } });
    const followUp = await env().client.chat.completions.create({
      model: SNAPSHOT,
      tools: [clientTool],
      messages: [
        { role: 'user', content: 'When do you open?' },
        data.choices[0]!.message,
        { role: 'tool', tool_call_id: 'call_client', content: '{"city":"Lyon"}' },
      ],
    });
    expect(followUp.choices[0]?.message.content).toBe('The nearest branch opens at 7 pm.');
    expect(toolMessages(sentRequests(upstream)[1])).toEqual([
      { tool_call_id: 'call_client', content: { city: 'Lyon' } },
    ]);
  });
});
