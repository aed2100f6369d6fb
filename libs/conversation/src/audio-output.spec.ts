import type { ChatCompletionChunk } from '@voxgate/openai-wire';
import { AUDIO_ID, chunk, upstreamOf, usageChunk } from './__fixtures__/chunks.factory';
import { type AudioOutputPlan, type AudioOutputReport, convertStreamAudio } from './audio-output';

/** Speech-like pcm16: a 440 Hz tone, `bytes` long (even). */
function tone(bytes: number): Buffer {
  const pcm = Buffer.alloc(bytes);
  for (let i = 0; i < bytes / 2; i++)
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24_000)), i * 2);
  return pcm;
}

/** The provider's audio cut into data deltas of awkward sizes (none a multiple of 3), the first with the id. */
function dataChunks(pcm: Buffer, sizes: readonly number[]): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  for (let offset = 0, i = 0; offset < pcm.length; i++) {
    const size = sizes[i % sizes.length]!;
    const data = pcm.subarray(offset, offset + size).toString('base64');
    chunks.push(chunk(offset === 0 ? { role: 'assistant', audio: { id: AUDIO_ID, data } } : { audio: { data } }));
    offset += size;
  }
  return chunks;
}

const SIZES = [1_000, 2, 4_802, 14, 3_334];

async function convert(upstream: ChatCompletionChunk[], plan: AudioOutputPlan) {
  const report: AudioOutputReport = { speed: plan.convert?.speed ?? 1, outputSeconds: null };
  const chunks: ChatCompletionChunk[] = [];
  for await (const item of convertStreamAudio(upstreamOf(upstream), plan, report)) chunks.push(item);
  const data = chunks.flatMap((item) => {
    const value = item.choices[0]?.delta.audio?.data;
    return value === undefined ? [] : [value];
  });
  return { chunks, data, report };
}

const pcm16 = (speed: number): AudioOutputPlan => ({ upstreamFormat: 'pcm16', convert: { format: 'pcm16', speed } });
const expiry = () => chunk({ audio: { expires_at: 1729447778 } });
const finish = () => chunk({}, { finishReason: 'stop' });

describe('convertStreamAudio: base64 deltas the SDK stream helpers can join', () => {
  it.each([
    ['pcm16', 1],
    ['pcm16', 1.5],
    ['wav', 1],
    ['mp3', 1],
    ['opus', 0.75],
    ['g711_ulaw', 1],
  ] as const)(
    '%s at speed %s: only the last data delta is padded, and joined strings decode like joined bytes',
    async (format, speed) => {
      const pcm = tone(48_000);
      const { data, report } = await convert([...dataChunks(pcm, SIZES), expiry(), finish()], {
        upstreamFormat: 'pcm16',
        convert: { format, speed },
      });
      expect(data.length).toBeGreaterThan(2);
      for (const piece of data.slice(0, -1)) {
        expect(piece.length % 4).toBe(0);
        expect(piece).not.toContain('=');
      }
      if (format === 'pcm16') for (const piece of data) expect(Buffer.from(piece, 'base64').length % 2).toBe(0);
      const joinedBytes = Buffer.concat(data.map((piece) => Buffer.from(piece, 'base64')));
      expect(Buffer.from(data.join(''), 'base64').equals(joinedBytes)).toBe(true);
      expect(report.outputSeconds).toBeCloseTo(1 / speed, 1);
    },
  );

  it.each(['pcm16', 'wav'] as const)(
    'relays %s the provider produced itself byte for byte, re-cut so joined strings decode whole',
    async (format) => {
      const bytes = tone(30_002);
      const { data, report } = await convert([...dataChunks(bytes, SIZES), expiry(), finish()], {
        upstreamFormat: format,
        convert: null,
      });
      for (const piece of data.slice(0, -1)) {
        expect(piece.length % 4).toBe(0);
        expect(piece).not.toContain('=');
        if (format === 'pcm16') expect(Buffer.from(piece, 'base64').length % 2).toBe(0);
      }
      expect(Buffer.from(data.join(''), 'base64').equals(bytes)).toBe(true);
      expect(report.outputSeconds).toBeNull();
    },
  );

  it('delivers every byte: pcm16 at speed 1 comes out as it went in', async () => {
    const pcm = tone(9_602);
    const { data } = await convert([...dataChunks(pcm, SIZES), expiry()], pcm16(1));
    expect(Buffer.from(data.join(''), 'base64').equals(pcm)).toBe(true);
  });

  it('sends the remainder before the expires_at delta, which precedes the finish and usage chunks', async () => {
    const pcm = tone(9_602);
    const { chunks } = await convert([...dataChunks(pcm, SIZES), expiry(), finish(), usageChunk()], pcm16(1));
    const tail = chunks.at(-4)!;
    expect(tail.choices).toEqual([
      { index: 0, delta: { audio: { data: expect.stringMatching(/=$/) } }, finish_reason: null },
    ]);
    expect(chunks.at(-3)!.choices[0]!.delta).toEqual({ audio: { expires_at: 1729447778 } });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
  });

  it('without an expires_at delta, sends the remainder before the finish chunk', async () => {
    const pcm = tone(9_602);
    const { chunks } = await convert([...dataChunks(pcm, SIZES), finish(), usageChunk()], pcm16(1));
    expect(chunks.at(-3)!.choices[0]!.delta.audio?.data).toMatch(/=$/);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('appends the remainder to a closing chunk that carries data itself', async () => {
    const pcm = tone(9_602);
    const upstream = dataChunks(pcm, SIZES);
    upstream.at(-1)!.choices[0]!.finish_reason = 'stop';
    const { chunks, data } = await convert(upstream, pcm16(1));
    expect(chunks.at(-1)!.choices[0]).toMatchObject({
      finish_reason: 'stop',
      delta: { audio: { data: expect.stringMatching(/=$/) } },
    });
    expect(Buffer.from(data.join(''), 'base64').equals(pcm)).toBe(true);
  });

  it('keeps the id and transcript deltas in place: a delta whose bytes are all carried keeps its id', async () => {
    const upstream = [
      chunk({ role: 'assistant', refusal: null }),
      chunk({ content: null, audio: { id: AUDIO_ID, transcript: 'Hi' } }),
      chunk({ audio: { id: AUDIO_ID, data: Buffer.from([1, 0]).toString('base64') } }),
      chunk({ audio: { data: Buffer.from([2, 0, 3, 0]).toString('base64') } }),
      expiry(),
      finish(),
    ];
    const { chunks } = await convert(upstream, pcm16(1));
    expect(chunks.map((item) => item.choices[0]?.delta.audio)).toEqual([
      undefined,
      { id: AUDIO_ID, transcript: 'Hi' },
      { id: AUDIO_ID },
      { data: Buffer.from([1, 0, 2, 0, 3, 0]).toString('base64') },
      { expires_at: 1729447778 },
      undefined,
    ]);
  });
});
