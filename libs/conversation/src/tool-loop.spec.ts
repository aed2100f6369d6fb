import type { ChatCompletionRequest, ChatCompletionResponse } from '@voxgate/openai-wire';
import type { ServerTools } from './server-tools';
import { runToolLoop } from './tool-loop';
import { DEFAULT_TOOL_LOOP_LIMITS, type ToolLoopLimits } from './tool-loop-budget';

const limits = (overrides: Partial<ToolLoopLimits> = {}): ToolLoopLimits => ({
  ...DEFAULT_TOOL_LOOP_LIMITS,
  ...overrides,
});

const request: ChatCompletionRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

function answer(calls: { name: string; args: string }[] | null, tokens = 10): ChatCompletionResponse {
  return {
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: calls ? null : 'done',
          refusal: null,
          ...(calls
            ? {
                tool_calls: calls.map((call, i) => ({
                  id: `call_${i}`,
                  type: 'function' as const,
                  function: { name: call.name, arguments: call.args },
                })),
              }
            : {}),
        },
        finish_reason: calls ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: tokens, completion_tokens: 1, total_tokens: tokens + 1 },
  };
}

function serverTools(names: string[]): ServerTools & { executed: string[][] } {
  const executed: string[][] = [];
  return {
    executed,
    definitions: names.map((name) => ({ type: 'function' as const, function: { name } })),
    has: (name) => names.includes(name),
    execute: async (calls) => {
      executed.push(calls.map((call) => `${call.name}:${call.arguments}`));
      return Promise.resolve(
        calls.map((call) => ({
          toolCallId: call.id,
          name: call.name,
          content: `result of ${call.name}`,
          status: 'ok',
          replayed: false,
        })),
      );
    },
  };
}

function scripted(responses: ChatCompletionResponse[]) {
  const seen: ChatCompletionRequest[] = [];
  return {
    seen,
    call: async (next: ChatCompletionRequest) => {
      seen.push(structuredClone(next));
      const response = responses.shift();
      if (!response) throw new Error('no more scripted responses');
      return Promise.resolve(response);
    },
  };
}

describe('runToolLoop', () => {
  it('executes server calls concurrently, feeds results back, answers, and sums usage', async () => {
    const tools = serverTools(['a', 'b']);
    const model = scripted([
      answer(
        [
          { name: 'a', args: '{}' },
          { name: 'b', args: '{"x":1}' },
        ],
        10,
      ),
      answer(null, 20),
    ]);
    const { response, report } = await runToolLoop(request, tools, model.call, limits());
    expect(response.choices[0]?.message.content).toBe('done');
    expect(response.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 2, total_tokens: 32 });
    expect(tools.executed).toEqual([['a:{}', 'b:{"x":1}']]);
    expect(report).toMatchObject({ rounds: 1, stop: 'answered' });
    expect(model.seen[1]?.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
  });

  it('returns client tool calls to the client after running the server ones', async () => {
    const tools = serverTools(['a']);
    const model = scripted([
      answer([
        { name: 'a', args: '{}' },
        { name: 'client_fn', args: '{}' },
      ]),
    ]);
    const { response, report } = await runToolLoop(
      { ...request, tools: [{ type: 'function', function: { name: 'client_fn' } }] },
      tools,
      model.call,
      limits(),
    );
    expect(
      response.choices[0]?.message.tool_calls?.map((call) => (call.type === 'function' ? call.function.name : '')),
    ).toEqual(['client_fn']);
    expect(report.stop).toBe('client_tools');
    expect(tools.executed).toHaveLength(1);
    expect(report.messages.map((message) => message.role)).toEqual(['assistant', 'tool']);
  });

  it('stops a model that repeats the same calls, forcing an answer without tools', async () => {
    const tools = serverTools(['a']);
    const same = () => answer([{ name: 'a', args: '{"q":1}' }]);
    const model = scripted([same(), same(), answer(null)]);
    const { report } = await runToolLoop(request, tools, model.call, limits());
    expect(report.stop).toBe('repeated_call');
    expect(model.seen.at(-1)?.tool_choice).toBe('none');
    expect(tools.executed).toHaveLength(1);
    expect(model.seen.at(-1)?.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('stops at the round budget with tool_choice none', async () => {
    const tools = serverTools(['a']);
    const model = scripted([answer([{ name: 'a', args: '1' }]), answer([{ name: 'a', args: '2' }]), answer(null)]);
    const { report } = await runToolLoop(request, tools, model.call, limits({ maxRounds: 2 }));
    expect(report).toMatchObject({ stop: 'round_budget', rounds: 2 });
    expect(model.seen[2]?.tool_choice).toBe('none');
  });

  it('rejects a client tool named like a server tool', async () => {
    await expect(
      runToolLoop(
        { ...request, tools: [{ type: 'function', function: { name: 'a' } }] },
        serverTools(['a']),
        scripted([]).call,
        limits(),
      ),
    ).rejects.toMatchObject({ status: 400, param: 'tools' });
  });
});

describe('runToolLoop: the messages it adds', () => {
  it('reports the assistant tool calls and tool results it appended, for sessions to store', async () => {
    const tools = serverTools(['a']);
    const model = scripted([answer([{ name: 'a', args: '{}' }]), answer(null)]);
    const { report } = await runToolLoop(request, tools, model.call, limits());
    expect(report.messages).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'a', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_0', content: 'result of a' },
    ]);
  });
});

describe('runToolLoop: budget and the whole turn', () => {
  it('stops on the token budget with tool_choice none', async () => {
    const tools = serverTools(['a']);
    const model = scripted([answer([{ name: 'a', args: '1' }], 500), answer(null)]);
    const { report } = await runToolLoop(request, tools, model.call, limits({ maxTokens: 400 }));
    expect(report).toMatchObject({ stop: 'token_budget', rounds: 1 });
    expect(model.seen[1]?.tool_choice).toBe('none');
  });

  it('stops on the wall-time budget with tool_choice none', async () => {
    let clock = 0;
    const tools = serverTools(['a']);
    const model = scripted([answer([{ name: 'a', args: '1' }]), answer(null)]);
    const slowCall = async (next: ChatCompletionRequest) => {
      clock += 40_000;
      return model.call(next);
    };
    const { report } = await runToolLoop(request, tools, slowCall, limits({ maxWallMs: 30_000 }), () => clock);
    expect(report.stop).toBe('time_budget');
    expect(model.seen[1]?.tool_choice).toBe('none');
  });

  it('puts the text and audio of every round into the final message', async () => {
    const tools = serverTools(['a']);
    const first = answer([{ name: 'a', args: '{}' }]);
    first.choices[0]!.message.audio = { id: 'audio_1', expires_at: 10, data: 'AAAA', transcript: 'One moment.' };
    const last = answer(null);
    last.choices[0]!.message.content = null;
    last.choices[0]!.message.audio = { id: 'audio_2', expires_at: 20, data: 'BBBB', transcript: 'Booked.' };
    const { response, report } = await runToolLoop(request, tools, scripted([first, last]).call, limits());
    expect(response.choices[0]?.message.audio).toEqual({
      id: 'audio_2',
      expires_at: 20,
      data: Buffer.concat([Buffer.from('AAAA', 'base64'), Buffer.from('BBBB', 'base64')]).toString('base64'),
      transcript: 'One moment. Booked.',
    });
    expect(report.messages[0]).toMatchObject({ role: 'assistant', content: null });
  });

  it('never shows server calls the model makes despite tool_choice none', async () => {
    const tools = serverTools(['a']);
    const model = scripted([answer([{ name: 'a', args: '1' }]), answer([{ name: 'a', args: '2' }])]);
    const { response } = await runToolLoop(request, tools, model.call, limits({ maxRounds: 1 }));
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(tools.executed).toEqual([['a:1']]);
  });
});
