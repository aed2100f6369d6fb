import { dominantFrequency, ffmpegDecode, fixture, itWithTools, sine } from '../__fixtures__/audio-test-tools';
import { concatBytes } from '../internal/bytes';
import { bytesFromInt16, int16FromBytes } from '../internal/pcm-convert';
import { createOutputPipeline } from './output-pipeline';

const speechBytes = fixture('speech-24k.pcm16');

/** Feeds `bytes` in chunks of pseudo-random length (odd ones included), as upstream deltas arrive. */
async function feed(
  pipeline: Awaited<ReturnType<typeof createOutputPipeline>>,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let state = 12_345;
  for (let offset = 0; offset < bytes.length;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const size = 1 + (state % 9601);
    parts.push(pipeline.push(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(await pipeline.end());
  return concatBytes(parts);
}

describe('createOutputPipeline', () => {
  it('passes pcm16 at speed 1 through byte for byte, whatever the (odd) chunk lengths', async () => {
    const pipeline = await createOutputPipeline({ format: 'pcm16' });
    expect(await feed(pipeline, speechBytes)).toEqual(speechBytes);
    expect(pipeline.inputSeconds).toBeCloseTo(4, 5);
    expect(pipeline.outputSeconds).toBeCloseTo(4, 5);
  });

  it.each([0.25, 1, 4])('speed %d: pcm16 out lasts exactly input/speed and keeps a tone’s pitch', async (speed) => {
    const tone = bytesFromInt16(sine(330, 2, 24_000));
    const pipeline = await createOutputPipeline({ format: 'pcm16', speed });
    const out = int16FromBytes(await feed(pipeline, tone));
    expect(out.length).toBe(Math.round(48_000 / speed));
    expect(pipeline.outputSeconds).toBeCloseTo(2 / speed, 3);
    const middle = out.subarray(Math.floor(out.length / 4), Math.floor((out.length * 3) / 4));
    // Sonic splices whole pitch periods of integer length: at 4× a 330 Hz tone reads 333.8 Hz (+1.2 %).
    expect(Math.abs(dominantFrequency(middle, 24_000, 200, 500) - 330)).toBeLessThan(330 * 0.015);
  });

  for (const [format, extension] of [
    ['opus', 'opus'],
    ['mp3', 'mp3'],
    ['wav', 'wav'],
    ['aac', 'aac'],
    ['flac', 'flac'],
    ['g711_ulaw', 'ulaw'],
  ] as const) {
    itWithTools('ffmpeg')(`${format} at speed 1.5: one valid file, 4 s / 1.5 long`, async () => {
      const pipeline = await createOutputPipeline({ format, speed: 1.5 });
      const file = await feed(pipeline, speechBytes);
      const rate = format === 'g711_ulaw' ? 8000 : 24_000;
      const args = format === 'g711_ulaw' ? ['-f', 'mulaw', '-ar', '8000', '-ac', '1'] : [];
      const seconds = ffmpegDecode(file, extension, rate, args).length / rate;
      expect(seconds).toBeGreaterThan((4 / 1.5) * 0.99);
      // Streamed MP3 and AAC carry no gapless tag, so decoders keep the encoder delay and last-frame padding
      // (MP3 at 24 kHz: ~70 ms; AAC: one to two 1024-sample frames).
      const padding = format === 'mp3' ? 0.08 : format === 'aac' ? 0.1 : 0.03;
      expect(seconds).toBeLessThan((4 / 1.5) * 1.01 + padding);
    });
  }

  it.each(['aac', 'g711_alaw', 'flac'] as const)('%s: abort mid-stream releases everything', async (format) => {
    const pipeline = await createOutputPipeline({ format, speed: 0.5 });
    pipeline.push(speechBytes.subarray(0, 9601));
    pipeline.abort();
    pipeline.abort();
    expect(() => pipeline.push(new Uint8Array(2))).toThrow('push after end');
    await expect(pipeline.end()).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('reports its MIME type and refuses bad speeds and double ends', async () => {
    const pipeline = await createOutputPipeline({ format: 'opus', speed: 2 });
    expect(pipeline.mimeType).toBe('audio/ogg; codecs=opus');
    await pipeline.end();
    await expect(pipeline.end()).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(() => pipeline.push(new Uint8Array(2))).toThrow('push after end');
    await expect(createOutputPipeline({ format: 'wav', speed: 5 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
