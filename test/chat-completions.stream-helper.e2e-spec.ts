import { PCM16_BYTES_PER_SECOND, SPEECH_TRANSCRIPT, speechPcm16 } from '@voxgate/testing';
import type OpenAI from 'openai';
import { ffmpegSeconds, OUTPUT_DECODING } from './support/decode';
import { spec } from './support/e2e-env';
import { ALIAS } from './support/relay-config';
import { registerTool, useToolsEnv } from './support/tools-env';

const SPEECH_SECONDS = speechPcm16().length / PCM16_BYTES_PER_SECOND;
/** Encoder priming and frame padding (mp3, aac) add a few tens of ms; a truncated answer misses seconds. */
const TOLERANCE_SECONDS = 0.12;

type StreamParams = Parameters<OpenAI['chat']['completions']['stream']>[0];
type DeltaAudio = { id?: string; data?: string; transcript?: string; expires_at?: number };

/**
 * The SDK's stream helper joins the `delta.audio.data` strings and the application decodes the result once
 * (openai-node's `finalChatCompletion()`; LangChain's chunk concatenation does the same). That only works
 * when no delta but the last ends in `=` padding, so these tests decode what the helper assembled.
 */
describe('POST /v1/chat/completions, streamed audio through the SDK stream helper', () => {
  const env = useToolsEnv();

  async function finalAudio(params: Record<string, unknown>, format: string) {
    const runner = env().client.chat.completions.stream({
      model: ALIAS,
      modalities: ['text', 'audio'],
      messages: [{ role: 'user', content: 'Say it' }],
      ...params,
    } as unknown as StreamParams);
    const deltas: DeltaAudio[] = [];
    runner.on('chunk', (chunk) => {
      // `voxgate.tool_runs` is the documented extension of a tool round; the rest must be OpenAI's.
      const { voxgate: _extension, ...openai } = chunk as typeof chunk & { voxgate?: unknown };
      spec.assertValidStreamChunk(openai, format);
      const audio = (chunk.choices[0]?.delta as { audio?: DeltaAudio } | undefined)?.audio;
      if (audio) deltas.push(audio);
    });
    const completion = await runner.finalChatCompletion();
    const audio = completion.choices[0]!.message.audio!;
    const { extension, inputArgs } = OUTPUT_DECODING[format]!;
    return {
      completion,
      audio,
      deltas,
      seconds: ffmpegSeconds(Buffer.from(audio.data, 'base64'), extension, inputArgs),
    };
  }

  /** Only the last data delta may be padded, so that joined strings decode like joined bytes. */
  function expectUnpaddedUntilLast(deltas: readonly DeltaAudio[]): void {
    const data = deltas.flatMap((delta) => (delta.data === undefined ? [] : [delta.data]));
    for (const piece of data.slice(0, -1)) expect(piece).not.toContain('=');
  }

  it.each(Object.keys(OUTPUT_DECODING))(
    'finalChatCompletion() of a %s answer decodes to the whole answer',
    async (format) => {
      const { completion, audio, deltas, seconds } = await finalAudio({ audio: { voice: 'alloy', format } }, format);
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      expect(audio.transcript).toBe(SPEECH_TRANSCRIPT);
      expect(audio.id).toMatch(/^audio_vg_/);
      expect(audio.expires_at).toBeGreaterThan(completion.created);
      expect(Math.abs(seconds - SPEECH_SECONDS)).toBeLessThan(TOLERANCE_SECONDS);
      expectUnpaddedUntilLast(deltas);
    },
  );

  it.each([
    ['pcm16', 1.5],
    ['wav', 0.75],
    ['opus', 2],
  ])('finalChatCompletion() of a %s answer at speed %s decodes to the whole answer', async (format, speed) => {
    const { deltas, seconds } = await finalAudio({ audio: { voice: 'alloy', format }, speed }, format);
    expect(Math.abs(seconds - SPEECH_SECONDS / speed)).toBeLessThan(TOLERANCE_SECONDS);
    expectUnpaddedUntilLast(deltas);
  });

  it('finalChatCompletion() of an answer spoken across tool rounds decodes to one file of both rounds', async () => {
    const { gateway, tenantId, upstream } = env();
    await registerTool(gateway, tenantId, {
      name: 'kb_helper',
      implementation: { type: 'builtin', module: 'search' },
    });
    upstream.enqueue(
      { kind: 'toolCalls', say: 'One moment.', calls: [{ name: 'kb_helper', arguments: { query: 'hours' } }] },
      { kind: 'completion' },
    );
    const { audio, deltas, seconds } = await finalAudio({ audio: { voice: 'alloy', format: 'mp3' } }, 'mp3');
    expect(upstream.requests).toHaveLength(2);
    expect(audio.transcript).toBe(`One moment. ${SPEECH_TRANSCRIPT}`);
    // The fake model speaks the first second of the fixture before its tool call, then the whole fixture.
    expect(Math.abs(seconds - (1 + SPEECH_SECONDS))).toBeLessThan(TOLERANCE_SECONDS);
    expectUnpaddedUntilLast(deltas);
  });
});
