import OpenAI, { type APIError } from 'openai';
import { OpenApiValidator } from '../openapi/openapi-validator';
import { collectSseEvents, readSseEvents } from '../sse/sse-events.reader';
import { FakeUpstream } from './fake-upstream.server';
import { UPSTREAM_KEY, postChat, sdkClient, streamingAudioRequest } from './fake-upstream.spec-helpers';

const validator = new OpenApiValidator();
let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
});
afterEach(() => {
  upstream.assertNoViolations();
  upstream.clear();
});
afterAll(() => upstream.stop());

const textRequest: OpenAI.ChatCompletionCreateParamsNonStreaming = {
  model: 'gpt-4o-audio-preview',
  messages: [{ role: 'user', content: 'Hi' }],
};
const rateLimited = {
  error: {
    message: 'Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM).',
    type: 'tokens',
    param: null,
    code: 'rate_limit_exceeded',
  },
};

describe('FakeUpstream: scripted replies', () => {
  it('sends a json reply with its status and headers, then falls back to the default', async () => {
    upstream.enqueue({
      kind: 'json',
      status: 429,
      body: rateLimited,
      headers: { 'retry-after': '7', 'x-should-retry': 'false' },
    });
    const error: unknown = await sdkClient(upstream)
      .chat.completions.create(textRequest)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'tokens' });
    expect((error as APIError).headers?.get('retry-after')).toBe('7');
    expect((await sdkClient(upstream).chat.completions.create(textRequest)).choices[0]?.finish_reason).toBe('stop');
    expect(upstream.requests.map((request) => request.answeredBy)).toEqual(['json', 'default']);
  });

  it('consumes replies in order, one per request, across SDK retries', async () => {
    const serverError = {
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    };
    upstream.enqueue(
      { kind: 'json', status: 500, body: serverError },
      { kind: 'completion', message: { content: 'second try' } },
    );
    const client = new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: upstream.baseUrl, maxRetries: 1, timeout: 5_000 });
    const completion = await client.chat.completions.create(textRequest);
    expect(completion.choices[0]?.message.content).toBe('second try');
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.pendingReplies).toBe(0);
  });

  it('overrides the default completion', async () => {
    upstream.enqueue({
      kind: 'completion',
      message: { content: 'Cut short' },
      finishReason: 'length',
      usage: { completion_tokens: 999 },
    });
    const completion = await sdkClient(upstream).chat.completions.create(textRequest);
    validator.assertValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'Cut short' } });
    expect(completion.usage?.completion_tokens).toBe(999);
  });

  it('answers tool calls without streaming', async () => {
    upstream.enqueue({
      kind: 'toolCalls',
      calls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_fixed' }],
    });
    const completion = await sdkClient(upstream).chat.completions.create(textRequest);
    validator.assertValid('CreateChatCompletionResponse', completion, { rejectUndeclaredKeys: true });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          { id: 'call_fixed', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
    });
  });

  it('overrides the usage of a tool-call answer', async () => {
    upstream.enqueue({
      kind: 'toolCalls',
      calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
      usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
    });
    const completion = await sdkClient(upstream).chat.completions.create(textRequest);
    expect(completion.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 });
  });

  it('sends stream chunks verbatim', async () => {
    const chunk = { id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [] };
    upstream.enqueue({ kind: 'stream', chunks: [chunk, chunk], done: false });
    const events = await collectSseEvents(await postChat(upstream, streamingAudioRequest()));
    expect(events.map((event) => JSON.parse(event.data) as unknown)).toEqual([chunk, chunk]);
  });

  it('ends a stream with an in-band error after n chunks, which the SDK throws', async () => {
    const error = {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    };
    upstream.enqueue({ kind: 'streamError', afterChunks: 3, error }, { kind: 'streamError', afterChunks: 2, error });
    const events = await collectSseEvents(await postChat(upstream, streamingAudioRequest()));
    expect(events.map((event) => event.data.slice(0, 9))).toEqual(['{"id":"ch', '{"id":"ch', '{"id":"ch', '{"error":']);
    expect(JSON.parse(events[3]!.data)).toEqual({ error });

    const stream = await sdkClient(upstream).chat.completions.create(
      streamingAudioRequest() as unknown as OpenAI.ChatCompletionCreateParamsStreaming,
    );
    const received: unknown[] = [];
    await expect(async () => {
      for await (const chunk of stream) received.push(chunk);
    }).rejects.toThrow(/The server had an error while processing your request/);
    expect(received).toHaveLength(2);
  });

  it('resets the connection at once, or after n streamed chunks', async () => {
    upstream.enqueue({ kind: 'reset' }, { kind: 'reset', afterChunks: 2 });
    const error: unknown = await sdkClient(upstream)
      .chat.completions.create(textRequest)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);

    const received: string[] = [];
    await expect(async () => {
      for await (const event of readSseEvents(await postChat(upstream, streamingAudioRequest())))
        received.push(event.data);
    }).rejects.toThrow();
    expect(received).toHaveLength(2);
    expect(upstream.requests.map((request) => [request.answeredBy, request.aborted])).toEqual([
      ['reset', false],
      ['reset', false],
    ]);
  });

  it('stalls after n streamed chunks, keeping the connection open until the client leaves', async () => {
    upstream.enqueue({ kind: 'stall', afterChunks: 2 });
    const controller = new AbortController();
    const response = await postChat(upstream, streamingAudioRequest(), { signal: controller.signal });
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of readSseEvents(response)) received.push(event.data);
    })().catch((caught: unknown) => caught);
    // Nothing but silence after the two chunks: neither more events nor an end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(2);
    expect(upstream.lastRequest().aborted).toBe(false);
    controller.abort();
    expect(await reading).toMatchObject({ name: 'AbortError' });
    expect(await upstream.waitForAbort()).toMatchObject({ answeredBy: 'stall', aborted: true });
  });

  it('delays, and stops waiting as soon as the client aborts', async () => {
    upstream.enqueue({ kind: 'delay', ms: 80 }, { kind: 'delay', ms: 10_000, then: { kind: 'json', body: {} } });
    const started = Date.now();
    expect((await postChat(upstream, textRequest)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);

    const controller = new AbortController();
    const pending = postChat(upstream, textRequest, { signal: controller.signal }).catch((caught: unknown) => caught);
    await upstream.waitForRequests(2);
    controller.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    const aborted = await upstream.waitForAbort();
    expect(aborted.answeredBy).toBe('delay');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(upstream.requests.map((request) => request.answeredBy)).toEqual(['delay/default', 'delay']);
  });

  it('records a client that disconnects in the middle of a stream', async () => {
    upstream.chunkDelayMs = 20;
    const controller = new AbortController();
    const response = await postChat(upstream, streamingAudioRequest(), { signal: controller.signal });
    let seen = 0;
    await expect(async () => {
      for await (const _event of readSseEvents(response)) if (++seen === 3) controller.abort();
    }).rejects.toThrow();
    const aborted = await upstream.waitForAbort();
    upstream.chunkDelayMs = 0;
    expect(aborted).toMatchObject({ answeredBy: 'default', aborted: true });
    expect(upstream.abortedCount).toBe(1);
  });
});
