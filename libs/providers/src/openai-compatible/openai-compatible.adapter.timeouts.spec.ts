import { type ChatCompletionChunk, GatewayError } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '../upstream-stream-error';
import {
  callContext,
  chatRequest,
  collect,
  completionBody,
  fixtureText,
  harness,
  rejectionOf,
  sseBody,
} from './__fixtures__/adapter-harness';

// The harness's provider: connectMs 1 000, firstByteMs 5 000, idleMs 2 000, totalMs 60 000, on a
// manual clock. Nothing here waits for real time.
const FIRST_BYTE_MS = 5_000;
const IDLE_MS = 2_000;

const AUDIO_STREAM = fixtureText('chat-completion.audio-stream.sse.txt');
const events = AUDIO_STREAM.split('\n\n').filter((event) => event.startsWith('data: {'));
const streamRequest = () => chatRequest({ stream: true, audio: { voice: 'alloy', format: 'pcm16' } });

/** A fetch reply that never answers and rejects with the signal's reason, like fetch. */
const neverAnswers = (signal: AbortSignal) =>
  new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));

/** Lets pending promise callbacks run (no time passes on the manual clock). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** An event-stream response whose parts the test pushes one by one (a push after cancel goes nowhere). */
function pushedBody() {
  let push: (text: string) => void = () => undefined;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => {
        if (!cancelled) controller.enqueue(new TextEncoder().encode(text));
      };
    },
    cancel() {
      cancelled = true;
    },
  });
  const response = new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
  return { response, push: (event: string) => push(`${event}\n\n`), cancelled: () => cancelled };
}

describe('OpenAICompatibleAdapter: timeouts', () => {
  it('answers 504 upstream_timeout once firstByteMs passed without a response, and does not retry', async () => {
    const { adapter, fake, sleeps, timers } = harness([neverAnswers, neverAnswers]);
    const pending = rejectionOf(adapter.chatCompletion(chatRequest(), callContext()));
    timers.advance(FIRST_BYTE_MS - 1);
    await settle();
    expect(fake.calls[0]!.signal.aborted).toBe(false);
    timers.advance(1);
    const error = (await pending) as GatewayError;

    expect(error).toBeInstanceOf(GatewayError);
    expect(error.toOpenAIError()).toEqual({
      message: "The provider 'openai' did not answer within 5 s.",
      type: 'upstream_error',
      param: null,
      code: 'upstream_timeout',
    });
    expect(error.status).toBe(504);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.signal.aborted).toBe(true);
    expect(sleeps).toEqual([]);
    expect(timers.scheduled).toBe(0);
  });

  it('answers 504 when the JSON body stops arriving for idleMs', async () => {
    const body = pushedBody();
    const { adapter, timers } = harness([body.response]);
    const pending = rejectionOf(adapter.chatCompletion(chatRequest(), callContext()));
    await settle();
    body.push(JSON.stringify(completionBody()).slice(0, 40));
    await settle();
    timers.advance(IDLE_MS);
    expect(await pending).toMatchObject({
      status: 504,
      code: 'upstream_timeout',
      message: "The provider 'openai' sent nothing more for 2 s.",
    });
    expect(body.cancelled()).toBe(true);
  });

  it('answers 504 for a connect timeout of the dispatcher, without retrying', async () => {
    const connectTimeout = new TypeError('fetch failed', {
      cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
    });
    const { adapter, fake } = harness([connectTimeout, connectTimeout]);
    expect(await rejectionOf(adapter.chatCompletion(chatRequest(), callContext()))).toMatchObject({
      status: 504,
      code: 'upstream_timeout',
      message: "The provider 'openai' could not be connected to within 1 s.",
    });
    expect(fake.calls).toHaveLength(1);
  });

  it('ends a stream that stalls after its first chunks with an upstream_timeout error after idleMs', async () => {
    const body = sseBody([`${events[0]}\n\n`, `${events[1]}\n\n`], { hang: true });
    const { adapter, timers } = harness([body.response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    const iterator = stream.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect((await iterator.next()).done).toBe(false);
    const third = iterator.next().then(
      () => null,
      (error: unknown) => error,
    );
    await settle();
    timers.advance(IDLE_MS - 1);
    await settle();
    timers.advance(1);
    const error = await third;

    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).error).toEqual({
      message: "The provider 'openai' sent nothing more for 2 s.",
      type: 'upstream_error',
      param: null,
      code: 'upstream_timeout',
    });
    expect(body.cancelled()).toBe(true);
    expect(timers.scheduled).toBe(0);
  });

  it('restarts the idle timeout on every chunk', async () => {
    const body = pushedBody();
    const { adapter, timers } = harness([body.response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    const received = collect(stream.chunks);
    for (const event of events) {
      await settle();
      timers.advance(IDLE_MS - 1); // just under the idle timeout before each chunk: far over it in sum
      body.push(event);
    }
    body.push('data: [DONE]');
    expect(await received).toHaveLength(events.length);
    expect(timers.scheduled).toBe(0);
  });

  it("schedules no timer per read of a stream's body: the phase timer is moved, not replaced", async () => {
    const body = pushedBody();
    const { adapter, timers } = harness([body.response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    const received = collect(stream.chunks);
    for (let sent = 0; sent < 40; sent++) {
      await settle();
      timers.advance(10);
      body.push(events[sent % events.length]!);
    }
    body.push('data: [DONE]');
    expect(await received).toHaveLength(40);
    // The total, the first byte, and the idle phase once (it runs out before the first byte would have).
    expect(timers.scheduledInAll).toBeLessThanOrEqual(3);
    expect(timers.scheduled).toBe(0);
  });

  it('runs out an idle phase longer than the first-byte phase at its own end', async () => {
    const body = sseBody([`${events[0]}\n\n`], { hang: true });
    const { adapter, timers } = harness([body.response], {
      settings: { timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 3_000, totalMs: 60_000 } },
    });
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    const iterator = stream.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    let failure: unknown = null;
    void iterator.next().catch((error: unknown) => (failure = error));
    await settle();
    timers.advance(2_999);
    await settle();
    expect(failure).toBeNull();
    timers.advance(1);
    await settle();
    expect((failure as UpstreamStreamError | null)?.error).toMatchObject({
      code: 'upstream_timeout',
      message: "The provider 'openai' sent nothing more for 3 s.",
    });
    expect(timers.scheduled).toBe(0);
  });

  it('does not count a slow consumer as a silent provider, nor apply firstByteMs once a stream started', async () => {
    const parts = [...events, 'data: [DONE]'].map((event) => `${event}\n\n`);
    const { adapter, timers } = harness([sseBody(parts).response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    const received: ChatCompletionChunk[] = [];
    for await (const chunk of stream.chunks) {
      received.push(chunk);
      timers.advance(FIRST_BYTE_MS + IDLE_MS); // the consumer takes its time with each chunk
    }
    expect(received).toHaveLength(8);
  });

  it('ends a stream that outlives totalMs with an upstream_timeout error, whatever its pace', async () => {
    const body = pushedBody();
    const { adapter, timers } = harness([body.response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    const iterator = stream.chunks[Symbol.asyncIterator]();
    let error: unknown = null;
    for (let sent = 0; error === null && sent < 100; sent++) {
      const next = iterator.next().then(
        () => null,
        (thrown: unknown) => thrown,
      );
      await settle();
      timers.advance(IDLE_MS - 1);
      body.push(events[0]!);
      error = await next;
    }
    expect((error as UpstreamStreamError).error).toMatchObject({
      code: 'upstream_timeout',
      message: "The provider 'openai' did not finish within 60 s.",
    });
    expect(timers.now()).toBeGreaterThanOrEqual(60_000);
    expect(timers.now()).toBeLessThan(60_000 + IDLE_MS);
  });

  it('leaves no timer behind after a completed call', async () => {
    const { adapter, timers } = harness([sseBody([AUDIO_STREAM]).response]);
    const stream = await adapter.streamChatCompletion(streamRequest(), callContext());
    await collect(stream.chunks);
    expect(timers.scheduled).toBe(0);
  });
});
