import { createOutputPipeline, type OutputAudioFormat } from '@voxgate/audio';
import type { SpeechFormat } from '@voxgate/openai-wire';
import { speechSeconds } from './speech-duration';

/** 1.5 s of a 440 Hz tone at 24 kHz, encoded by the gateway's own encoders. */
async function tone(format: OutputAudioFormat): Promise<Buffer> {
  const samples = new Int16Array(36_000).map((_, index) =>
    Math.round(8_000 * Math.sin((2 * Math.PI * 440 * index) / 24_000)),
  );
  const pipeline = await createOutputPipeline({ format });
  const head = pipeline.push(new Uint8Array(samples.buffer));
  return Buffer.concat([head, await pipeline.end()]);
}

describe('speechSeconds (audio_out_ms of passed-through speech)', () => {
  it.each<[SpeechFormat, OutputAudioFormat]>([
    ['wav', 'wav'],
    ['pcm', 'pcm16'],
    ['mp3', 'mp3'],
    ['flac', 'flac'],
    ['opus', 'opus'],
    ['aac', 'aac'],
  ])(
    'measures %s',
    async (format, encoded) => {
      const seconds = await speechSeconds(format, await tone(encoded));
      expect(seconds).not.toBeNull();
      // Within the codecs' own padding (mp3 and aac frames round up: 1.56 s and 1.58 s here).
      expect(Math.abs(seconds! - 1.5)).toBeLessThan(0.1);
    },
    20_000,
  );

  it('answers null for bytes it cannot measure', async () => {
    expect(await speechSeconds('mp3', Buffer.from('not audio at all, not at all'))).toBeNull();
    expect(await speechSeconds('aac', Buffer.from([0xff, 0xf1, 0, 0, 0, 0, 0]))).toBeNull();
  });
});
