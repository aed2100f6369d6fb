import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Ajv from 'ajv';
import type { ChatCompletionChunk, ChatCompletionRequest } from '@voxgate/openai-wire';
import { GatewayError } from '@voxgate/openai-wire';
import { OpenApiValidator, writeTinyLlamaGguf } from '@voxgate/testing';
import { GgufTextModel } from './gguf-text-model';

jest.setTimeout(60_000);

const validator = new OpenApiValidator();
const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-gguf-'));
const modelPath = writeTinyLlamaGguf(path.join(dir, 'tiny.gguf'));
let model: GgufTextModel;

beforeAll(async () => {
  model = new GgufTextModel({ modelPath, contextSize: 2048, modelName: 'tiny-local' });
  await model.load();
});
afterAll(async () => {
  await model.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'tiny',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'hello, what is the weather in paris today?' },
  ],
  stream: true,
  seed: 7,
  ...extra,
});

async function collect(
  req: ChatCompletionRequest,
  signal = new AbortController().signal,
): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of model.stream(req, signal)) chunks.push(chunk);
  return chunks;
}

const WEATHER_PARAMS = {
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 16 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer' },
    alerts: { type: 'boolean' },
  },
  required: ['city', 'unit', 'days', 'alerts'],
  additionalProperties: false,
};
const TIME_PARAMS = {
  type: 'object',
  properties: { zone: { type: 'string', enum: ['utc', 'cet'] }, seconds: { type: 'boolean' } },
  required: ['zone', 'seconds'],
  additionalProperties: false,
};
const tools: ChatCompletionRequest['tools'] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather for a city', parameters: WEATHER_PARAMS },
  },
  { type: 'function', function: { name: 'get_time', description: 'Current time', parameters: TIME_PARAMS } },
];

function toolCalls(chunks: ChatCompletionChunk[]): Array<{ id: string; name: string; arguments: string }> {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      call.id += delta.id ?? '';
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
  }
  return calls;
}

describe('GgufTextModel on a generated random-weight llama GGUF', () => {
  it('streams chat.completion.chunk objects the OpenAPI spec accepts, ending with usage', async () => {
    const chunks = await collect(request({ max_completion_tokens: 12 }));
    for (const chunk of chunks) validator.assertValidStreamChunk(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.model === 'tiny-local')).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toBeDefined();
    const finish = chunks.at(-2)!.choices[0]!.finish_reason;
    expect(['stop', 'length']).toContain(finish);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    if (finish === 'length') expect(text.length).toBeGreaterThan(0);
  });

  it('reports real token counts: prompt tokens from the tokenizer, completion tokens generated', async () => {
    // temperature 0 so the ends of both runs are decided by max_completion_tokens alone
    const base = await collect(request({ max_completion_tokens: 5, temperature: 0 }));
    const usage = base.at(-1)!.usage!;
    // "▁weather" is one token of the generated vocabulary: three more words are exactly three more tokens.
    const longer = await collect(
      request({
        max_completion_tokens: 5,
        temperature: 0,
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'hello, what is the weather in paris today? weather weather weather' },
        ],
      }),
    );
    const longerUsage = longer.at(-1)!.usage!;
    expect(longerUsage.prompt_tokens - usage.prompt_tokens).toBe(3);
    expect(usage.prompt_tokens).toBeGreaterThan(15);
    for (const [chunks, u] of [
      [base, usage],
      [longer, longerUsage],
    ] as const) {
      const finish = chunks.at(-2)!.choices[0]!.finish_reason;
      if (finish === 'length') expect(u.completion_tokens).toBe(5);
      else expect(u.completion_tokens).toBeLessThanOrEqual(5);
      expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
    }
  });

  it('stops at a stop sequence, which it does not return', async () => {
    const text = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    // greedy, so the second run writes the same text up to the stop sequence
    const free = text(await collect(request({ max_completion_tokens: 40, temperature: 0 })));
    const words = free.split(/\s+/).filter((w) => /^[a-z]{3,}$/.test(w));
    const stop = words[Math.floor(words.length / 2)] ?? free.slice(10, 14);
    expect(stop.length).toBeGreaterThan(2);
    const chunks = await collect(request({ max_completion_tokens: 40, temperature: 0, stop: [stop] }));
    expect(text(chunks)).toBe(free.slice(0, free.indexOf(stop)));
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('queues requests beyond its parallel sequences and answers each', async () => {
    const runs = await Promise.all([1, 2, 3].map((seed) => collect(request({ seed, max_completion_tokens: 4 }))));
    for (const chunks of runs) {
      expect(chunks.at(-1)!.usage!.completion_tokens).toBeLessThanOrEqual(4);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    }
    expect(new Set(runs.map((chunks) => chunks[0]!.id)).size).toBe(3);
  });

  it('ends promptly on abort and frees its sequence for the next request', async () => {
    const controller = new AbortController();
    const started = Date.now();
    let abortedAt = 0;
    let chunksSeen = 0;
    // a grammar-free answer up to the context size: only the abort can end it soon
    const run = (async () => {
      for await (const _ of model.stream(
        request({ max_completion_tokens: 1500, temperature: 1.5 }),
        controller.signal,
      )) {
        chunksSeen++;
        if (chunksSeen === 3) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    if (chunksSeen >= 3) expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(Date.now() - started).toBeLessThan(30_000);
    // parallel = 1: this only runs once the aborted generation has let go of the one sequence
    const next = await collect(request({ max_completion_tokens: 3 }));
    expect(next.at(-1)!.usage!.completion_tokens).toBeLessThanOrEqual(3);
  });

  it.each([1, 2, 3])(
    'forces a named tool call whose arguments are JSON valid against its schema (seed %i)',
    async (seed) => {
      const chunks = await collect(
        request({
          seed,
          tools,
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
          max_completion_tokens: 400,
        }),
      );
      for (const chunk of chunks) validator.assertValidStreamChunk(chunk);
      const calls = toolCalls(chunks);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.name).toBe('get_weather');
      expect(calls[0]!.id).toMatch(/^call_/);
      const args: unknown = JSON.parse(calls[0]!.arguments);
      const validate = new Ajv().compile(WEATHER_PARAMS);
      const valid = validate(args);
      expect({ args, errors: validate.errors }).toEqual({ args, errors: null });
      expect(valid).toBe(true);
      expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
      expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(5);
    },
  );

  it('with tool_choice required picks one of the tools, arguments valid against that tool', async () => {
    const chunks = await collect(request({ seed: 11, tools, tool_choice: 'required', max_completion_tokens: 400 }));
    const calls = toolCalls(chunks);
    expect(calls).toHaveLength(1);
    const schema = { get_weather: WEATHER_PARAMS, get_time: TIME_PARAMS }[calls[0]!.name];
    expect(schema).toBeDefined();
    const validate = new Ajv().compile(schema!);
    expect(validate(JSON.parse(calls[0]!.arguments))).toBe(true);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('constrains the answer to response_format json_schema', async () => {
    const chunks = await collect(
      request({
        seed: 5,
        max_completion_tokens: 300,
        // no maxLength string here: see docs/local-voice.md on byte tokens and string lengths
        response_format: { type: 'json_schema', json_schema: { name: 'time', schema: TIME_PARAMS, strict: true } },
      }),
    );
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    const validate = new Ajv().compile(TIME_PARAMS);
    const parsed: unknown = JSON.parse(text);
    validate(parsed);
    expect({ parsed, errors: validate.errors }).toEqual({ parsed, errors: null });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('answers a conversation that carries earlier tool calls and their results', async () => {
    const chunks = await collect(
      request({
        tools,
        max_completion_tokens: 6,
        messages: [
          { role: 'user', content: 'weather in berlin?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"berlin"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21}' },
        ],
      }),
    );
    expect(chunks.at(-1)!.usage!.prompt_tokens).toBeGreaterThan(10);
  });

  it('keeps the event loop free while it generates', async () => {
    const measure = async (work: () => Promise<unknown>) => {
      const histogram = monitorEventLoopDelay({ resolution: 5 });
      histogram.enable();
      const started = Date.now();
      const result = await work();
      histogram.disable();
      return { result, ms: Date.now() - started, maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6 };
    };
    const busy = await measure(() => collect(request({ max_completion_tokens: 300, temperature: 1.2, seed: 3 })));
    // the same process idle for as long: the machine's own noise, the baseline of this measurement
    const idle = await measure(() => new Promise((resolve) => setTimeout(resolve, busy.ms)));
    const tokens = (busy.result as ChatCompletionChunk[]).at(-1)!.usage!.completion_tokens;
    process.stdout.write(
      `gguf event loop over ${tokens} tokens in ${busy.ms} ms: max delay ${busy.maxMs.toFixed(1)} ms (p99 ${busy.p99Ms.toFixed(1)}); ` +
        `idle for as long: max ${idle.maxMs.toFixed(1)} ms (p99 ${idle.p99Ms.toFixed(1)})\n`,
    );
    // loose bound: the CI machine is shared (docs/local-voice.md)
    expect(busy.maxMs).toBeLessThan(250);
  });

  it('refuses what a local text model cannot take with a 400, before generating', async () => {
    const image = request({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }],
    });
    await expect(collect(image)).rejects.toMatchObject({ status: 400, code: 'unsupported_content' });
    const unknownTool = request({ tools, tool_choice: { type: 'function', function: { name: 'nope' } } });
    await expect(collect(unknownTool)).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
    const allOf = request({
      tools: [{ type: 'function', function: { name: 'f', parameters: { allOf: [{ type: 'object' }] } } }],
      tool_choice: 'required',
    });
    await expect(collect(allOf)).rejects.toMatchObject({ status: 400, code: 'unsupported_tool_schema' });
  });

  it('refuses a prompt longer than the context with context_length_exceeded', async () => {
    const long = request({ messages: [{ role: 'user', content: 'weather '.repeat(2100) }] });
    await expect(collect(long)).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });
});

describe('GgufTextModel with a model it cannot load', () => {
  it.each([
    ['a missing file', (p: string) => p],
    [
      'a file that is not GGUF',
      (p: string) => {
        writeFileSync(p, 'this is not a model');
        return p;
      },
    ],
  ])('fails with a 503 provider_not_configured for %s, the reason only in diagnostics', async (_, make) => {
    const broken = new GgufTextModel({ modelPath: make(path.join(dir, `broken-${Math.random()}.gguf`)) });
    try {
      const error = await collect(request()).then(
        () => undefined,
        (e: unknown) => e,
      );
      void error;
      const failure = await (async () => {
        try {
          for await (const _ of broken.stream(request(), new AbortController().signal)) {
            /* nothing is expected */
          }
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(failure).toBeInstanceOf(GatewayError);
      expect(failure).toMatchObject({ status: 503, code: 'provider_not_configured' });
      expect((failure as GatewayError).message).not.toContain(dir);
      expect((failure as GatewayError).diagnostics?.model_path).toContain('broken-');
    } finally {
      await broken.close();
    }
  });
});
