import { type ChatCompletionChunk, type ChatCompletionRequest, Errors } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '@voxgate/providers';
import type { ServerTools } from './server-tools';
import { emptyStreamToolLoopReport, type GatewayChunk, streamToolLoop } from './stream-tool-loop';
import { DEFAULT_TOOL_LOOP_LIMITS } from './tool-loop-budget';

const request: ChatCompletionRequest = {
  model: 'up',
  messages: [{ role: 'user', content: 'book a table' }],
  stream: true,
  stream_options: { include_usage: true },
};

let created = 1000;
/** One upstream round as OpenAI streams it: its own id, role first, finish, then usage. */
function round(
  deltas: ChatCompletionChunk['choices'][number]['delta'][],
  finish: 'stop' | 'tool_calls',
  tokens = 10,
): ChatCompletionChunk[] {
  const id = `chatcmpl-${created}`;
  const base = { id, object: 'chat.completion.chunk' as const, created: created++, model: 'up' };
  return [
    ...deltas.map((delta, i) => ({
      ...base,
      choices: [{ index: 0, delta: i === 0 ? { role: 'assistant' as const, ...delta } : delta, finish_reason: null }],
    })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] },
    { ...base, choices: [], usage: { prompt_tokens: tokens, completion_tokens: 2, total_tokens: tokens + 2 } },
  ];
}

const call = (index: number, id: string, name: string, args: string) => ({
  tool_calls: [{ index, id, type: 'function' as const, function: { name, arguments: args } }],
});

async function* streamOf(chunks: ChatCompletionChunk[]): AsyncGenerator<ChatCompletionChunk> {
  for (const chunk of chunks) yield await Promise.resolve(structuredClone(chunk));
}

function serverTools(names: string[]): ServerTools & { executed: string[] } {
  const executed: string[] = [];
  return {
    executed,
    definitions: names.map((name) => ({ type: 'function' as const, function: { name } })),
    has: (name) => names.includes(name),
    execute: async (calls) => {
      executed.push(...calls.map((c) => `${c.name}:${c.arguments}`));
      return Promise.resolve(
        calls.map((c) => ({
          toolCallId: c.id,
          name: c.name,
          content: `result of ${c.name}`,
          status: 'ok',
          replayed: false,
        })),
      );
    },
  };
}

async function run(rounds: ChatCompletionChunk[][], tools: ServerTools, limits = DEFAULT_TOOL_LOOP_LIMITS) {
  const [first, ...later] = rounds;
  const started: ChatCompletionRequest[] = [];
  const report = emptyStreamToolLoopReport();
  const out: GatewayChunk[] = [];
  for await (const chunk of streamToolLoop({
    request,
    first: streamOf(first!),
    tools,
    limits,
    report,
    start: async (next) => {
      started.push(structuredClone(next));
      const chunks = later.shift();
      if (!chunks) throw Errors.upstreamError('fake', 'no more rounds scripted');
      return Promise.resolve(streamOf(chunks));
    },
  }))
    out.push(chunk);
  return { out, started, report };
}

const text = (chunks: GatewayChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('streamToolLoop', () => {
  it('joins the rounds into one stream: said text flows, server calls hidden, one finish, summed usage', async () => {
    const tools = serverTools(['book']);
    const { out, started, report } = await run(
      [
        round(
          [{ content: 'Let me' }, { content: ' check.' }, call(0, 'call_1', 'book', '{"at":"19:00"}')],
          'tool_calls',
        ),
        round([{ content: 'Booked for' }, { content: ' 7 pm.' }], 'stop', 30),
      ],
      tools,
    );
    expect(text(out)).toBe('Let me check. Booked for 7 pm.');
    expect(new Set(out.map((c) => c.id))).toEqual(new Set([out[0]!.id]));
    expect(new Set(out.map((c) => c.created)).size).toBe(1);
    expect(out.filter((c) => c.choices[0]?.delta.role)).toHaveLength(1);
    expect(out.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    expect(out.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual(['stop']);
    expect(out.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 40, completion_tokens: 4, total_tokens: 44 },
    });
    expect(tools.executed).toEqual(['book:{"at":"19:00"}']);
    const withRuns = out.filter((c) => c.voxgate);
    expect(withRuns).toHaveLength(1);
    expect(withRuns[0]!.voxgate!.tool_runs).toEqual([{ name: 'book', status: 'ok', replayed: false }]);
    expect(withRuns[0]!.choices[0]?.delta.content).toBe(' Booked for');
    expect(started[0]!.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'book', arguments: '{"at":"19:00"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'result of book' },
    ]);
    expect(report).toMatchObject({ rounds: 1, stop: 'answered', usage: { total_tokens: 44 } });
    expect(report.messages[0]).toMatchObject({ role: 'assistant', content: null });
  });

  it('returns client calls re-indexed from 0 with finish tool_calls, after running the server ones', async () => {
    const tools = serverTools(['lookup']);
    const { out, report } = await run(
      [round([call(0, 'call_s', 'lookup', '{}'), call(1, 'call_c', 'show_map', '{"z":1}')], 'tool_calls')],
      tools,
    );
    const calls = out.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 0, id: 'call_c', type: 'function', function: { name: 'show_map', arguments: '{"z":1}' } },
    ]);
    const finish = out.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(finish?.voxgate?.tool_runs.map((r) => r.name)).toEqual(['lookup']);
    expect(tools.executed).toEqual(['lookup:{}']);
    expect(report.stop).toBe('client_tools');
    expect(report.messages).toMatchObject([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_s' }] },
      { role: 'tool', tool_call_id: 'call_s' },
    ]);
  });

  it('asks with tool_choice none once the round budget is spent, and never runs the disobeyed calls', async () => {
    const tools = serverTools(['a']);
    const { out, started, report } = await run(
      [round([call(0, 'c1', 'a', '{"n":1}')], 'tool_calls'), round([call(0, 'c2', 'a', '{"n":2}')], 'tool_calls')],
      tools,
      { ...DEFAULT_TOOL_LOOP_LIMITS, maxRounds: 1 },
    );
    expect(started[0]!.tool_choice).toBe('none');
    expect(tools.executed).toEqual(['a:{"n":1}']);
    expect(report).toMatchObject({ rounds: 1, stop: 'round_budget' });
    expect(out.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
    expect(out.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('stops a model that repeats the same call', async () => {
    const tools = serverTools(['a']);
    const same = () => round([call(0, 'c', 'a', '{"q":1}')], 'tool_calls');
    const { started, report } = await run([same(), same(), round([{ content: 'ok' }], 'stop')], tools);
    expect(started.map((r) => r.tool_choice)).toEqual([undefined, 'none']);
    expect(tools.executed).toEqual(['a:{"q":1}']);
    expect(started[1]!.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    expect(report.stop).toBe('repeated_call');
  });

  it('holds a tool round’s audio expiry back: one audio stream, one expiry, at the end', async () => {
    const tools = serverTools(['a']);
    const { out } = await run(
      [
        round(
          [
            { audio: { id: 'audio_1', transcript: 'One moment.' } },
            { audio: { data: 'AAAA' } },
            { audio: { expires_at: 111 } },
            call(0, 'c', 'a', '{}'),
          ],
          'tool_calls',
        ),
        round(
          [
            { audio: { id: 'audio_2', transcript: 'Done.' } },
            { audio: { data: 'BBBB' } },
            { audio: { expires_at: 222 } },
          ],
          'stop',
        ),
      ],
      tools,
    );
    const audio = out.flatMap((c) => (c.choices[0]?.delta.audio ? [c.choices[0].delta.audio] : []));
    expect(audio.map((a) => a.transcript ?? '').join('')).toBe('One moment. Done.');
    expect(audio.flatMap((a) => (a.expires_at !== undefined ? [a.expires_at] : []))).toEqual([222]);
    expect(audio.map((a) => a.data ?? '').join('')).toBe('AAAABBBB');
  });

  it('turns a later round that fails before streaming into an in-band upstream error', async () => {
    const tools = serverTools(['a']);
    await expect(run([round([call(0, 'c', 'a', '{}')], 'tool_calls')], tools)).rejects.toBeInstanceOf(
      UpstreamStreamError,
    );
  });

  it('runs the calls one after another when parallel_tool_calls is false', async () => {
    const order: string[] = [];
    const tools: ServerTools = {
      definitions: [{ type: 'function', function: { name: 'a' } }],
      has: (name) => name === 'a',
      execute: async (calls) => {
        order.push(`start ${calls.map((c) => c.id).join()}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`end ${calls.map((c) => c.id).join()}`);
        return calls.map((c) => ({ toolCallId: c.id, name: c.name, content: 'r', status: 'ok', replayed: false }));
      },
    };
    const report = emptyStreamToolLoopReport();
    const rounds = [
      round([call(0, 'x', 'a', '{"i":1}'), call(1, 'y', 'a', '{"i":2}')], 'tool_calls'),
      round([{ content: 'done' }], 'stop'),
    ];
    for await (const _ of streamToolLoop({
      request: { ...request, parallel_tool_calls: false },
      first: streamOf(rounds[0]!),
      tools,
      limits: DEFAULT_TOOL_LOOP_LIMITS,
      report,
      start: async () => Promise.resolve(streamOf(rounds[1]!)),
    }));
    expect(order).toEqual(['start x', 'end x', 'start y', 'end y']);
  });
});
