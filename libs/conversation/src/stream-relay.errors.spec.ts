import type { ChatCompletionChunk } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '@voxgate/providers';
import { audioStream, chunk, upstreamOf, USAGE, usageChunk } from './__fixtures__/chunks.factory';
import { SNAPSHOT } from './__fixtures__/models.factory';
import { emptySummary, type RelayEvent, type RelaySummary, relayStream } from './stream-relay';

const UPSTREAM_ERROR = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: 'internal_error',
};

async function relay(upstream: AsyncIterable<ChatCompletionChunk>, includeUsage = true) {
  const summary: RelaySummary = emptySummary();
  const events: RelayEvent[] = [];
  for await (const event of relayStream(upstream, { model: SNAPSHOT, includeUsage }, summary)) events.push(event);
  return { events, summary };
}

describe('relayStream: upstream failures', () => {
  it('ends with an error event carrying the UpstreamStreamError, and no finish or usage chunk', async () => {
    const { events, summary } = await relay(
      upstreamOf(audioStream().slice(0, 3), new UpstreamStreamError(UPSTREAM_ERROR)),
    );
    expect(events.map((event) => event.type)).toEqual(['chunk', 'chunk', 'chunk', 'error']);
    expect(events.at(-1)).toEqual({ type: 'error', error: UPSTREAM_ERROR });
    expect(summary).toMatchObject({ usage: null, completed: false, error: UPSTREAM_ERROR });
  });

  it('turns any other error into a generic server_error that reveals nothing', async () => {
    const { events, summary } = await relay(
      upstreamOf([chunk({ content: 'Hi' })], new Error('ECONNRESET 10.0.3.7:443')),
    );
    const expected = {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    };
    expect(events.at(-1)).toEqual({ type: 'error', error: expected });
    expect(JSON.stringify(events)).not.toContain('ECONNRESET');
    expect(summary.error).toEqual(expected);
    expect(summary.completed).toBe(false);
  });

  it('sends only the error event when the upstream fails before its first chunk', async () => {
    const { events } = await relay(upstreamOf([], new UpstreamStreamError(UPSTREAM_ERROR)));
    expect(events).toEqual([{ type: 'error', error: UPSTREAM_ERROR }]);
  });

  it('keeps usage seen before the failure in the summary', async () => {
    const { events, summary } = await relay(
      upstreamOf([chunk({ content: 'Hi' }), usageChunk()], new UpstreamStreamError(UPSTREAM_ERROR)),
    );
    expect(events.map((event) => event.type)).toEqual(['chunk', 'error']);
    expect(summary.usage).toEqual(USAGE);
  });
});

describe('relayStream: incremental delivery', () => {
  it('yields the first event while the upstream is still blocked after its first chunk', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let upstreamFinished = false;
    async function* blockingUpstream(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk({ role: 'assistant', content: 'Hel' });
      await gate;
      yield chunk({ content: 'lo' }, { finishReason: 'stop' });
      upstreamFinished = true;
    }

    const summary: RelaySummary = emptySummary();
    const iterator = relayStream(blockingUpstream(), { model: SNAPSHOT, includeUsage: false }, summary)[
      Symbol.asyncIterator
    ]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({
      type: 'chunk',
      chunk: { model: SNAPSHOT, choices: [{ delta: { content: 'Hel' } }] },
    });
    expect(upstreamFinished).toBe(false);
    expect(summary.completed).toBe(false);

    release();
    const second = await iterator.next();
    expect(second.value).toMatchObject({ type: 'chunk', chunk: { choices: [{ finish_reason: 'stop' }] } });
    expect((await iterator.next()).done).toBe(true);
    expect(upstreamFinished).toBe(true);
    expect(summary.completed).toBe(true);
  });
});
