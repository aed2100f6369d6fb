import { batchesOf, type ChatCompletionChunk, GatewayError } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '../upstream-stream-error';
import {
  callContext,
  chatRequest,
  collect,
  fixtureText,
  harness,
  jsonResponse,
  openAiError,
  rejectionOf,
  sseBody,
} from './__fixtures__/adapter-harness';

const AUDIO_STREAM = fixtureText('chat-completion.audio-stream.sse.txt');
const streamRequest = () => chatRequest({ stream: true, audio: { voice: 'alloy', format: 'pcm16' } });

/** The fixture's events (without [DONE]) as text, to rebuild shorter or broken streams. */
const fixtureEvents = AUDIO_STREAM.split('\n\n').filter((event) => event.startsWith('data: {'));

/** Reads the stream until it throws; returns what came before and the error. */
async function readUntilError(chunks: AsyncIterable<ChatCompletionChunk>) {
  const received: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of chunks) received.push(chunk);
  } catch (error) {
    return { received, error };
  }
  throw new Error('the stream ended without an error');
}

describe('OpenAICompatibleAdapter: streams', () => {
  it('yields every chunk of the recorded audio stream in order and stops at [DONE]', async () => {
    const { response } = sseBody([AUDIO_STREAM], { headers: { 'x-request-id': 'req_up_9' } });
    const { adapter } = harness([response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    const chunks = await collect(stream.chunks);

    expect(stream.upstreamRequestId).toBe('req_up_9');
    expect(chunks).toHaveLength(8);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', refusal: null },
      { content: null, audio: { id: 'audio_67153952b364819093d6a4aac6e0767a', transcript: 'Hi' } },
      { audio: { transcript: ' there' } },
      { audio: { transcript: '!' } },
      expect.objectContaining({ audio: expect.objectContaining({ id: 'audio_67153952b364819093d6a4aac6e0767a' }) }),
      { audio: { data: 'lBNbDTYZdhycFrgTxg6NBT8BavhC85LyNu/j9Yv8DvqAAuAA' } },
      { audio: { expires_at: 1729447778 } },
      undefined,
    ]);
    expect(chunks[6]?.choices[0]?.finish_reason).toBeNull();
    expect(chunks[7]?.choices).toEqual([]);
    expect(chunks[7]?.usage).toMatchObject({
      total_tokens: 85,
      completion_tokens_details: { audio_tokens: 50, text_tokens: 13 },
    });
  });

  it('yields the same chunks when the stream arrives in 7-byte pieces', async () => {
    const pieces = AUDIO_STREAM.match(/[\s\S]{1,7}/g) ?? [];
    expect(pieces.length).toBeGreaterThan(100);
    const whole = await collect(
      (await harness([sseBody([AUDIO_STREAM]).response]).adapter.streamChatCompletion(streamRequest(), callContext()))
        .chunks,
    );
    const split = await collect(
      (await harness([sseBody(pieces).response]).adapter.streamChatCompletion(streamRequest(), callContext())).chunks,
    );
    expect(split).toEqual(whole);
  });

  it('answers 502 and releases the body when a stream request gets a non-SSE answer', async () => {
    const body = sseBody(['{"id":"chatcmpl-1"}'], { headers: { 'content-type': 'application/json' } });
    const { adapter } = harness([body.response]);
    const error = await rejectionOf(adapter.streamChatCompletion(streamRequest(), callContext()));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 502,
      code: 'upstream_error',
      message: "The provider 'openai' failed: it answered a streaming request with 'application/json'.",
    });
    expect(body.cancelled()).toBe(true);
  });

  it('retries a 503 before the stream starts', async () => {
    const { adapter, fake, sleeps } = harness([
      jsonResponse(openAiError('Slow Down', 'server_error', null, null), 503),
      sseBody(['data: [DONE]\n\n']).response,
    ]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    expect(await collect(stream.chunks)).toEqual([]);
    expect(fake.calls).toHaveLength(2);
    expect(sleeps).toEqual([100]);
  });

  it('throws UpstreamStreamError carrying the upstream error of a mid-stream data: {"error":...}', async () => {
    const upstreamError = {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: 'internal_error',
    };
    const parts = [
      `${fixtureEvents[0]}\n\n`,
      `${fixtureEvents[1]}\n\n`,
      `data: ${JSON.stringify({ error: upstreamError })}\n\n`,
    ];
    const { adapter } = harness([sseBody(parts).response]);
    const { received, error } = await readUntilError(
      (await adapter.streamChatCompletion(streamRequest(), callContext())).chunks,
    );
    expect(received).toHaveLength(2);
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).error).toEqual(upstreamError);
  });

  it('fills the missing keys of a partial in-band error', async () => {
    const { adapter } = harness([sseBody(['data: {"error":{"message":"overloaded"}}\n\n']).response]);
    const { error } = await readUntilError((await adapter.streamChatCompletion(streamRequest(), callContext())).chunks);
    expect((error as UpstreamStreamError).error).toEqual({
      message: 'overloaded',
      type: 'upstream_error',
      param: null,
      code: null,
    });
  });

  it('treats an event: error frame as an upstream error even without a JSON body', async () => {
    const { adapter } = harness([sseBody(['event: error\ndata: upstream exploded\n\n']).response]);
    const { error } = await readUntilError((await adapter.streamChatCompletion(streamRequest(), callContext())).chunks);
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).error).toMatchObject({ type: 'server_error', param: null, code: null });
  });

  it('throws UpstreamStreamError when the stream ends without [DONE]', async () => {
    const parts = fixtureEvents.slice(0, 3).map((event) => `${event}\n\n`);
    const body = sseBody(parts);
    const { adapter } = harness([body.response]);
    const { received, error } = await readUntilError(
      (await adapter.streamChatCompletion(streamRequest(), callContext())).chunks,
    );
    expect(received).toHaveLength(3);
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).error).toEqual({
      message: "The provider 'openai' failed: it closed the stream before it was complete.",
      type: 'upstream_error',
      param: null,
      code: 'upstream_error',
    });
  });

  it('throws UpstreamStreamError for an event that is not a chunk', async () => {
    const { adapter } = harness([sseBody(['data: {"hello":"world"}\n\n', 'data: [DONE]\n\n']).response]);
    const { error } = await readUntilError((await adapter.streamChatCompletion(streamRequest(), callContext())).chunks);
    expect((error as UpstreamStreamError).error.message).toBe(
      "The provider 'openai' failed: it sent a stream event that is not a chat completion chunk.",
    );
  });
});

describe('OpenAICompatibleAdapter: stream batches', () => {
  it('gives the chunks before a bad event, in batches, before its error', async () => {
    const [first, second, third] = fixtureEvents;
    const reads = [`${first}\n\n${second}\n\n`, `${third}\n\ndata: {"hello":"world"}\n\n`, 'data: [DONE]\n\n'];
    const { adapter } = harness([sseBody(reads).response]);
    const { chunks } = await adapter.streamChatCompletion(streamRequest(), callContext());
    const batches = batchesOf(chunks);
    const sizes: number[] = [];
    let error: unknown;
    try {
      for (let next = await batches.next(); !next.done; next = await batches.next()) sizes.push(next.value.length);
    } catch (thrown) {
      error = thrown;
    }
    // The body's reads may be joined (a Readable gives what it buffered): at most one batch per read, but
    // the stream's first chunk alone.
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(3);
    expect(sizes[0]).toBe(1);
    expect(sizes.length).toBeLessThanOrEqual(3);
    expect(sizes.every((size) => size > 0)).toBe(true);
    expect((error as UpstreamStreamError).error.message).toBe(
      "The provider 'openai' failed: it sent a stream event that is not a chat completion chunk.",
    );
  });

  it('gives the same chunks as a batch per read or one at a time, and stops at [DONE] within a read', async () => {
    const body = `${fixtureEvents.slice(0, 3).join('\n\n')}\n\ndata: [DONE]\n\n${fixtureEvents[3]}\n\n`;
    const items = await collect(
      (await harness([sseBody([body]).response]).adapter.streamChatCompletion(streamRequest(), callContext())).chunks,
    );
    const { chunks } = await harness([sseBody([body]).response]).adapter.streamChatCompletion(
      streamRequest(),
      callContext(),
    );
    const batches = batchesOf(chunks);
    const read: ChatCompletionChunk[][] = [];
    for (let next = await batches.next(); !next.done; next = await batches.next()) read.push([...next.value]);
    // One read: the stream's first chunk alone (it is not held while the others are parsed), then the rest.
    expect(read).toEqual([items.slice(0, 1), items.slice(1)]);
    expect(items).toHaveLength(3);
  });

  it('yields only the first chunk alone: a later read holding several is one batch', async () => {
    const reads = [`${fixtureEvents[0]}\n\n`, `${fixtureEvents.slice(1, 3).join('\n\n')}\n\ndata: [DONE]\n\n`];
    const { chunks } = await harness([sseBody(reads).response]).adapter.streamChatCompletion(
      streamRequest(),
      callContext(),
    );
    const batches = batchesOf(chunks);
    const sizes: number[] = [];
    for (let next = await batches.next(); !next.done; next = await batches.next()) sizes.push(next.value.length);
    // [1, 2] whether or not the Readable joined the two reads.
    expect(sizes).toEqual([1, 2]);
  });
});

describe('OpenAICompatibleAdapter: stream lifetime', () => {
  it('stops reading with the caller’s reason, not an upstream error, when the caller aborts mid-stream', async () => {
    const caller = new AbortController();
    const reason = new Error('client disconnected');
    let body: ReturnType<typeof sseBody> | undefined;
    const reply = (signal: AbortSignal) => {
      body = sseBody([`${fixtureEvents[0]}\n\n`], { signal, hang: true });
      return Promise.resolve(body.response);
    };
    const { adapter, fake } = harness([reply]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext({ signal: caller.signal }));
    const iterator = stream.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);

    const pending = iterator.next();
    caller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(fake.calls[0]!.signal.aborted).toBe(true);
  });

  it('cancels the upstream body when the consumer stops early', async () => {
    const body = sseBody([`${fixtureEvents[0]}\n\n`, `${fixtureEvents[1]}\n\n`], { hang: true });
    const { adapter } = harness([body.response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    for await (const chunk of stream.chunks) {
      expect(chunk.id).toBe('chatcmpl-AKTisMkErFxmr5c3wz1p88sWVxa0T');
      break;
    }
    expect(body.cancelled()).toBe(true);
  });
});
