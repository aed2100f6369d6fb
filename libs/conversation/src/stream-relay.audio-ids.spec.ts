import type { ChatCompletionChunk } from '@voxgate/openai-wire';
import { UpstreamStreamError } from '@voxgate/providers';
import { AUDIO_ID, audioStream, chunk, upstreamOf, usageChunk } from './__fixtures__/chunks.factory';
import { SNAPSHOT } from './__fixtures__/models.factory';
import {
  type AudioIdPolicy,
  emptySummary,
  type RelayEvent,
  type RelaySummary,
  relayStream,
  type StreamShape,
} from './stream-relay';

const UPSTREAM_EXPIRES_AT = 1729447778;
const VOXGATE_EXPIRES_AT = UPSTREAM_EXPIRES_AT + 86_400;

/** Mints audio_vg_1, audio_vg_2, … and adds a day to the provider's expiry. */
function policy() {
  let minted = 0;
  const newId = jest.fn(() => `audio_vg_${++minted}`);
  const expiresAt = jest.fn((upstream: number) => upstream + 86_400);
  const audioIds: AudioIdPolicy = { newId, expiresAt };
  return { audioIds, newId, expiresAt };
}

function shape(overrides: Partial<StreamShape> = {}): StreamShape {
  return { model: SNAPSHOT, includeUsage: false, audioIds: policy().audioIds, ...overrides };
}

async function relay(upstream: AsyncIterable<ChatCompletionChunk>, streamShape: StreamShape, stopAfter = Infinity) {
  const summary: RelaySummary = emptySummary();
  const events: RelayEvent[] = [];
  for await (const event of relayStream(upstream, streamShape, summary)) {
    events.push(event);
    if (events.length >= stopAfter) break;
  }
  const chunks = events.flatMap((event) => (event.type === 'chunk' ? [event.chunk] : []));
  return { events, chunks, summary };
}

const audioOf = (chunks: ChatCompletionChunk[]) => chunks.flatMap((item) => item.choices.map((c) => c.delta.audio));

describe('relayStream: Voxgate audio ids (shape.audioIds)', () => {
  it('replaces the provider audio id on every delta by one minted Voxgate id', async () => {
    const { audioIds, newId } = policy();
    const { chunks } = await relay(upstreamOf(audioStream()), shape({ audioIds }));
    const ids = audioOf(chunks).flatMap((audio) => (audio?.id === undefined ? [] : [audio.id]));
    expect(ids).toEqual(['audio_vg_1', 'audio_vg_1']);
    expect(newId).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(chunks)).not.toContain(AUDIO_ID);
  });

  it('maps expires_at through the policy and leaves the other audio fields alone', async () => {
    const { audioIds, expiresAt } = policy();
    const { chunks } = await relay(upstreamOf(audioStream()), shape({ audioIds }));
    expect(audioOf(chunks)).toEqual([
      undefined,
      { id: 'audio_vg_1', transcript: 'Hi' },
      { transcript: ' there' },
      { id: 'audio_vg_1', data: 'CAAIAAkACgAP' },
      { expires_at: VOXGATE_EXPIRES_AT },
      undefined,
    ]);
    expect(expiresAt).toHaveBeenCalledWith(UPSTREAM_EXPIRES_AT);
  });

  it('records the upstream id and the upstream expiry in summary.audioIds', async () => {
    const { summary } = await relay(upstreamOf(audioStream()), shape());
    expect(summary.audioIds).toEqual([
      { upstreamId: AUDIO_ID, id: 'audio_vg_1', upstreamExpiresAt: UPSTREAM_EXPIRES_AT },
    ]);
  });

  it('assembles choice 0 into summary.message under the Voxgate id, with its transcript', async () => {
    const { summary } = await relay(upstreamOf(audioStream()), shape());
    expect(summary.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_vg_1' },
      transcript: 'Hi there',
    });
    expect(summary.audio).toBeNull();
  });

  it('keeps the streamed audio bytes with keepAudio', async () => {
    const { summary } = await relay(upstreamOf(audioStream()), shape({ keepAudio: true }));
    expect(summary.audio).toEqual(Buffer.from('CAAIAAkACgAP', 'base64'));
  });

  it('mints one id per provider id, per choice', async () => {
    const { audioIds, newId } = policy();
    const upstream = [
      chunk({ audio: { id: 'audio_up_0', transcript: 'zero' } }),
      chunk({ audio: { id: 'audio_up_1', transcript: 'one' } }, { index: 1 }),
      chunk({ audio: { id: 'audio_up_0', data: 'AAAA' } }),
      chunk({ audio: { id: 'audio_up_1', data: 'AAAA' } }, { index: 1 }),
    ];
    const { chunks, summary } = await relay(upstreamOf(upstream), shape({ audioIds }));
    expect(audioOf(chunks).map((audio) => audio?.id)).toEqual(['audio_vg_1', 'audio_vg_2', 'audio_vg_1', 'audio_vg_2']);
    expect(newId).toHaveBeenCalledTimes(2);
    expect(summary.audioIds.map(({ upstreamId, id }) => [upstreamId, id])).toEqual([
      ['audio_up_0', 'audio_vg_1'],
      ['audio_up_1', 'audio_vg_2'],
    ]);
    expect(summary.message).toMatchObject({ audio: { id: 'audio_vg_1' }, transcript: 'zero' });
  });

  it("records each choice's own upstream expiry (n > 1)", async () => {
    const upstream = [
      chunk({ audio: { id: 'audio_up_0', transcript: 'zero' } }),
      chunk({ audio: { id: 'audio_up_1', transcript: 'one' } }, { index: 1 }),
      chunk({ audio: { expires_at: 1000 } }),
      chunk({ audio: { expires_at: 2000 } }, { index: 1 }),
    ];
    const { summary } = await relay(upstreamOf(upstream), shape());
    expect(summary.audioIds).toEqual([
      { upstreamId: 'audio_up_0', id: 'audio_vg_1', upstreamExpiresAt: 1000 },
      { upstreamId: 'audio_up_1', id: 'audio_vg_2', upstreamExpiresAt: 2000 },
    ]);
  });

  it('without shape.audioIds, forwards provider ids and expiries unchanged', async () => {
    const { chunks, summary } = await relay(upstreamOf(audioStream()), { model: SNAPSHOT, includeUsage: false });
    expect(audioOf(chunks).map((audio) => audio?.id ?? audio?.expires_at)).toEqual([
      undefined,
      AUDIO_ID,
      undefined,
      AUDIO_ID,
      UPSTREAM_EXPIRES_AT,
      undefined,
    ]);
    expect(summary.audioIds).toEqual([]);
    expect(summary.message?.audio).toEqual({ id: AUDIO_ID });
  });

  it('still assembles the message and records the mapping when the consumer stops early', async () => {
    const { summary } = await relay(upstreamOf(audioStream()), shape({ keepAudio: true }), 2);
    expect(summary.completed).toBe(false);
    expect(summary.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_vg_1' },
      transcript: 'Hi',
    });
    expect(summary.audio).toEqual(Buffer.alloc(0));
    expect(summary.audioIds).toEqual([{ upstreamId: AUDIO_ID, id: 'audio_vg_1', upstreamExpiresAt: null }]);
  });

  it('assembles what arrived and records the mapping when the upstream fails midway', async () => {
    const failure = new UpstreamStreamError({ message: 'boom', type: 'server_error', param: null, code: null });
    const { events, summary } = await relay(upstreamOf(audioStream().slice(0, 4), failure), shape());
    expect(events.at(-1)).toEqual({ type: 'error', error: failure.error });
    expect(summary.message).toMatchObject({ audio: { id: 'audio_vg_1' }, transcript: 'Hi there' });
    expect(summary.audioIds).toEqual([{ upstreamId: AUDIO_ID, id: 'audio_vg_1', upstreamExpiresAt: null }]);
  });

  it('assembles a text answer with no audio ids', async () => {
    const upstream = [
      chunk({ role: 'assistant', content: 'Hel' }),
      chunk({ content: 'lo' }, { finishReason: 'stop' }),
      usageChunk(),
    ];
    const { summary } = await relay(upstreamOf(upstream), shape());
    expect(summary.message).toEqual({ role: 'assistant', content: 'Hello', refusal: null });
    expect(summary.audioIds).toEqual([]);
  });
});
