import type { RelayEvent } from '@voxgate/conversation';
import type { ChatCompletionChunk } from '@voxgate/openai-wire';
import { timedFirstEvents } from './first-event-timing';

const chunk = (delta: Record<string, unknown>): RelayEvent => ({
  type: 'chunk',
  chunk: {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: null }],
  } as unknown as ChatCompletionChunk,
});

function recorder() {
  const seen: number[] = [];
  return { seen, observe: (seconds: number) => void seen.push(seconds) };
}

describe('timedFirstEvents', () => {
  it('reports the clock at the first event and at the first audio data delta, once each, passing every event on', async () => {
    let now = 0;
    const events = [
      chunk({ role: 'assistant' }),
      chunk({ audio: { transcript: 'hi' } }),
      chunk({ audio: { data: 'AAAA' } }),
      chunk({ audio: { data: 'BBBB' } }),
    ];
    async function* source() {
      for (const event of events) {
        await Promise.resolve();
        now += 1;
        yield event;
      }
    }
    const firstByte = recorder();
    const firstAudio = recorder();
    const passed: RelayEvent[] = [];
    for await (const event of timedFirstEvents(source(), { elapsedSeconds: () => now, firstByte, firstAudio })) {
      passed.push(event);
    }
    expect(passed).toEqual(events);
    expect(firstByte.seen).toEqual([1]);
    expect(firstAudio.seen).toEqual([3]);
  });

  it('reports no audio for a text-only stream, and nothing at all for an empty one', async () => {
    async function* text() {
      await Promise.resolve();
      yield chunk({ content: 'a' });
      yield chunk({ content: 'b' });
    }
    const firstByte = recorder();
    const firstAudio = recorder();
    for await (const _event of timedFirstEvents(text(), { elapsedSeconds: () => 7, firstByte, firstAudio })) {
      // consume
    }
    expect(firstByte.seen).toEqual([7]);
    expect(firstAudio.seen).toEqual([]);
    const empty = recorder();
    for await (const _event of timedFirstEvents((async function* () {})(), {
      elapsedSeconds: () => 1,
      firstByte: empty,
    })) {
      // consume
    }
    expect(empty.seen).toEqual([]);
  });

  it('closing the wrapper closes the source (so the upstream call is cancelled)', async () => {
    let closed = false;
    async function* source() {
      try {
        await Promise.resolve();
        yield chunk({ content: 'a' });
        yield chunk({ content: 'b' });
      } finally {
        closed = true;
      }
    }
    for await (const _event of timedFirstEvents(source(), { elapsedSeconds: () => 0, firstByte: recorder() })) {
      break;
    }
    expect(closed).toBe(true);
  });
});
