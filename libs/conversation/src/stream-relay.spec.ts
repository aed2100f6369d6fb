import { batchable, batchesOf, type ChatCompletionChunk } from '@voxgate/openai-wire';
import {
  audioStream,
  chunk,
  CHUNK_ID,
  CREATED,
  toolCallStreamWithoutFinish,
  upstreamOf,
  USAGE,
  usageChunk,
} from './__fixtures__/chunks.factory';
import { SNAPSHOT } from './__fixtures__/models.factory';
import { emptySummary, type RelayEvent, type RelaySummary, relayStream } from './stream-relay';

async function relay(upstream: readonly ChatCompletionChunk[], includeUsage: boolean) {
  const summary: RelaySummary = emptySummary();
  const events: RelayEvent[] = [];
  for await (const event of relayStream(upstreamOf(upstream), { model: SNAPSHOT, includeUsage }, summary))
    events.push(event);
  const chunks = events.map((event) => {
    if (event.type !== 'chunk') throw new Error(`unexpected ${event.type} event`);
    return event.chunk;
  });
  return { chunks, summary };
}

const finishChunk = (finishReason: string, index = 0): Partial<ChatCompletionChunk> => ({
  id: CHUNK_ID,
  object: 'chat.completion.chunk',
  created: CREATED,
  model: SNAPSHOT,
  choices: [{ index, delta: {}, finish_reason: finishReason }],
});

describe('relayStream: audio streams (openai-contract.md §3.2)', () => {
  it('adds {delta:{}, finish_reason:"stop"} after the expires_at-only delta and before the usage chunk', async () => {
    const { chunks } = await relay(audioStream(), true);
    expect(chunks).toHaveLength(7);
    expect(chunks[4]?.choices).toEqual([
      { index: 0, delta: { audio: { expires_at: 1729447778 } }, finish_reason: null },
    ]);
    expect(chunks[5]).toEqual({ ...finishChunk('stop'), usage: null });
    expect(chunks[6]).toEqual({ ...usageChunk(), model: SNAPSHOT });
  });

  it('rewrites model to the snapshot on every chunk, the synthesized ones included', async () => {
    const { chunks } = await relay(audioStream(), true);
    expect(chunks.map((item) => item.model)).toEqual(Array<string>(7).fill(SNAPSHOT));
  });

  it('forwards the content chunks unchanged apart from model', async () => {
    const upstream = audioStream();
    const { chunks } = await relay(upstream, true);
    expect(chunks.slice(0, 5)).toEqual(
      audioStream()
        .slice(0, 5)
        .map((item) => ({ ...item, model: SNAPSHOT, usage: null })),
    );
  });
});

describe('relayStream: usage', () => {
  it('with includeUsage, sets usage: null on every other chunk and sends the usage chunk last', async () => {
    const { chunks, summary } = await relay(audioStream(), true);
    expect(chunks.slice(0, -1).every((item) => item.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: USAGE });
    expect(summary).toMatchObject({ usage: USAGE, completed: true, error: null });
  });

  it('without includeUsage, sends no usage chunk and no usage key at all, but still records usage', async () => {
    const { chunks, summary } = await relay(audioStream(), false);
    expect(chunks).toHaveLength(6);
    expect(chunks.filter((item) => 'usage' in item)).toEqual([]);
    expect(chunks.at(-1)?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(summary).toMatchObject({ usage: USAGE, completed: true, error: null });
  });

  it('moves usage carried on a content chunk to a separate final chunk', async () => {
    const upstream = [chunk({ role: 'assistant', content: 'Hi' }), chunk({}, { finishReason: 'stop', usage: USAGE })];
    const { chunks, summary } = await relay(upstream, true);
    expect(chunks).toEqual([
      { ...chunk({ role: 'assistant', content: 'Hi' }), model: SNAPSHOT, usage: null },
      { ...finishChunk('stop'), usage: null },
      { id: CHUNK_ID, object: 'chat.completion.chunk', created: CREATED, model: SNAPSHOT, choices: [], usage: USAGE },
    ]);
    expect(summary.usage).toEqual(USAGE);
  });

  it('drops usage from a content chunk when the client did not ask for it', async () => {
    const upstream = [chunk({ role: 'assistant', content: 'Hi' }), chunk({}, { finishReason: 'stop', usage: USAGE })];
    const { chunks, summary } = await relay(upstream, false);
    expect(chunks).toHaveLength(2);
    expect(chunks.filter((item) => 'usage' in item)).toEqual([]);
    expect(summary.usage).toEqual(USAGE);
  });

  it('sends no usage chunk when the upstream sent no usage', async () => {
    const { chunks, summary } = await relay([chunk({ content: 'Hi' }, { finishReason: 'stop' })], true);
    expect(chunks).toEqual([{ ...chunk({ content: 'Hi' }, { finishReason: 'stop' }), model: SNAPSHOT, usage: null }]);
    expect(summary).toMatchObject({ usage: null, completed: true, error: null });
  });
});

describe('relayStream: finish reasons', () => {
  it('synthesizes tool_calls as the finish reason of a tool-call stream that has none', async () => {
    const { chunks } = await relay(toolCallStreamWithoutFinish(), true);
    expect(chunks).toHaveLength(5);
    expect(chunks[3]).toEqual({ ...finishChunk('tool_calls'), usage: null });
    expect(chunks[4]?.usage).toEqual(USAGE);
  });

  it('synthesizes function_call for a legacy function-call stream', async () => {
    const upstream = [
      chunk({ role: 'assistant', function_call: { name: 'lookup', arguments: '' } }),
      chunk({ function_call: { arguments: '{}' } }),
    ];
    const { chunks } = await relay(upstream, false);
    expect(chunks.at(-1)).toEqual(finishChunk('function_call'));
  });

  it('keeps tool_calls as the reason when a later delta of that choice carries no tool call', async () => {
    const upstream = [...toolCallStreamWithoutFinish().slice(0, 3), chunk({ content: null })];
    const { chunks } = await relay(upstream, false);
    expect(chunks.at(-1)).toEqual(finishChunk('tool_calls'));
  });

  it('adds nothing when the upstream finished every choice itself', async () => {
    const upstream = [
      ...toolCallStreamWithoutFinish().slice(0, 3),
      chunk({}, { finishReason: 'tool_calls' }),
      usageChunk(),
    ];
    const { chunks } = await relay(upstream, true);
    expect(chunks.map((item) => (item.choices.length === 0 ? 'usage' : item.choices[0]?.finish_reason))).toEqual([
      null,
      null,
      null,
      'tool_calls',
      'usage',
    ]);
  });

  it('finishes each unfinished choice of an n=2 stream separately', async () => {
    const upstream = [
      chunk({ content: 'A' }, { index: 0 }),
      chunk({ content: 'B' }, { index: 1 }),
      chunk({}, { index: 0, finishReason: 'length' }),
    ];
    const { chunks } = await relay(upstream, false);
    expect(chunks).toHaveLength(4);
    expect(chunks[3]).toEqual(finishChunk('stop', 1));
  });
});

describe('relayStream: generated output accounting', () => {
  it('counts text, transcript and tool-argument characters and decoded audio bytes that reached the client', async () => {
    const summary = emptySummary();
    const upstream = [
      chunkWith({ content: 'Hello' }),
      chunkWith({ audio: { transcript: 'Hi there', data: Buffer.alloc(4800).toString('base64') } }),
      chunkWith({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }),
    ];
    for await (const _event of relayStream(fromArray(upstream), { model: 'snap', includeUsage: false }, summary))
      void _event;
    expect(summary.generated).toEqual({ textChars: 5 + 8 + 7, audioBytes: 4800 });
  });
});

function chunkWith(delta: ChatCompletionChunk['choices'][number]['delta']): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'up',
    choices: [{ index: 0, delta, finish_reason: null }],
  };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('relayStream: batches', () => {
  it('relays a batched upstream a batch per upstream batch, the closing events in one last batch', async () => {
    const upstream = [
      [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hi' })],
      [chunk({ content: ' there' })],
      [usageChunk()],
    ];
    async function* batches(): AsyncGenerator<readonly ChatCompletionChunk[]> {
      for (const batch of upstream) yield await Promise.resolve(batch);
    }
    const summary = emptySummary();
    const relayed = batchesOf(relayStream(batchable(batches), { model: SNAPSHOT, includeUsage: true }, summary));
    const sizes: number[] = [];
    const contents: (string | null | undefined)[] = [];
    for (let next = await relayed.next(); !next.done; next = await relayed.next()) {
      sizes.push(next.value.length);
      for (const event of next.value) if (event.type === 'chunk') contents.push(event.chunk.choices[0]?.delta.content);
    }
    // The usage-only chunk makes no event of its own: the finish chunk and the usage chunk close the stream.
    expect(sizes).toEqual([2, 1, 2]);
    expect(contents).toEqual(['', 'Hi', ' there', undefined, undefined]);
    expect(summary).toMatchObject({ usage: USAGE, completed: true, error: null });
  });
});
