import {
  ffmpegDecode,
  ffprobe,
  fixture,
  hasTool,
  itWithTools,
  runChunked,
  runOnFile,
  snrDb,
} from '../__fixtures__/audio-test-tools';
import { existsSync, readdirSync } from 'node:fs';
import { GATEWAY_OUTPUT_AUDIO_FORMATS, type OutputAudioFormat } from '../audio-formats';
import { int16FromBytes } from '../internal/pcm-convert';
import { createAudioEncoder } from './create-audio-encoder';

/** 4 s of real speech, 24 kHz mono: what a provider streams. */
const speech = int16FromBytes(fixture('speech-24k.pcm16')).slice();
/** Uneven chunk sizes, like upstream deltas: a tiny one, an empty one, odd lengths, a big one. */
const CHUNKS = [2400, 1, 0, 4801, 137, 12_000, 960];

interface Expectation {
  extension: string;
  codec: string;
  rate: number;
  inputArgs?: string[];
  /** Minimum SNR (dB) of the independent decode against the input, after alignment. */
  minSnr: number;
}

const EXPECTED: Record<OutputAudioFormat, Expectation> = {
  wav: { extension: 'wav', codec: 'pcm_s16le', rate: 24_000, minSnr: 200 },
  pcm16: {
    extension: 'pcm',
    codec: 'pcm_s16le',
    rate: 24_000,
    inputArgs: ['-f', 's16le', '-ar', '24000', '-ac', '1'],
    minSnr: 200,
  },
  g711_ulaw: {
    extension: 'ulaw',
    codec: 'pcm_mulaw',
    rate: 8000,
    inputArgs: ['-f', 'mulaw', '-ar', '8000', '-ac', '1'],
    minSnr: 20,
  },
  g711_alaw: {
    extension: 'alaw',
    codec: 'pcm_alaw',
    rate: 8000,
    inputArgs: ['-f', 'alaw', '-ar', '8000', '-ac', '1'],
    minSnr: 20,
  },
  flac: { extension: 'flac', codec: 'flac', rate: 24_000, minSnr: 200 },
  mp3: { extension: 'mp3', codec: 'mp3', rate: 24_000, minSnr: 10 },
  opus: { extension: 'opus', codec: 'opus', rate: 48_000, minSnr: 8 },
  aac: { extension: 'aac', codec: 'aac', rate: 24_000, minSnr: 8 },
};

describe('createAudioEncoder: streamed output is one valid file', () => {
  for (const format of GATEWAY_OUTPUT_AUDIO_FORMATS) {
    const expected = EXPECTED[format];
    itWithTools('ffmpeg', 'ffprobe')(
      `${format}: ffprobe/ffmpeg accept the concatenation, 4 s, close to the input`,
      async () => {
        const encoder = await createAudioEncoder(format, { sampleRate: 24_000 });
        const { bytes } = await runChunked(encoder, speech, CHUNKS);
        if (!expected.inputArgs) {
          const probe = ffprobe(bytes, expected.extension);
          expect(probe).toMatchObject({ codec: expected.codec, sampleRate: expected.rate, channels: 1 });
        }
        const decodeRate = expected.rate === 8000 ? 8000 : 24_000;
        const decoded = ffmpegDecode(bytes, expected.extension, decodeRate, expected.inputArgs ?? []);
        // Codec delay/padding is trimmed by the container (Opus granule, LAME/Xing) or is a frame at most (AAC).
        expect(decoded.length / decodeRate).toBeGreaterThan(3.98);
        expect(decoded.length / decodeRate).toBeLessThan(expected.codec === 'aac' ? 4.1 : 4.06);
        const reference =
          decodeRate === 24_000
            ? speech
            : ffmpegDecode(fixture('speech-24k.pcm16'), 'pcm', 8000, EXPECTED.pcm16.inputArgs);
        if (expected.minSnr >= 200) expect(decoded).toEqual(speech);
        else expect(snrDb(reference, decoded, decodeRate === 8000 ? 4 : 2000)).toBeGreaterThan(expected.minSnr);
      },
    );
  }

  itWithTools('opusdec')('opus: opusdec (libopusfile) decodes it to exactly the pushed length', async () => {
    const encoder = await createAudioEncoder('opus', { sampleRate: 24_000 });
    const { bytes } = await runChunked(encoder, speech, CHUNKS);
    const pcm = runOnFile(bytes, 'opus', 'opusdec', (file) => ['--quiet', '--rate', '24000', '--force-wav', file, '-']);
    expect((pcm.length - 44) / 2).toBe(speech.length);
  });

  itWithTools('flac')('flac: `flac -t` verifies every frame', async () => {
    const encoder = await createAudioEncoder('flac', { sampleRate: 24_000 });
    const { bytes } = await runChunked(encoder, speech, CHUNKS);
    expect(() => runOnFile(bytes, 'flac', 'flac', (file) => ['-t', '--silent', file])).not.toThrow();
  });

  itWithTools('sox')('wav: sox reads the streamed header (0xFFFFFFFF sizes) to the real end', async () => {
    const encoder = await createAudioEncoder('wav', { sampleRate: 24_000 });
    const { bytes } = await runChunked(encoder, speech, CHUNKS);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect([view.getUint32(4, true), view.getUint32(40, true)]).toEqual([0xffffffff, 0xffffffff]);
    const raw = runOnFile(bytes, 'wav', 'sox', (file) => ['-V1', file, '-t', 'raw', '-']);
    expect(raw.length / 2).toBe(speech.length);
  });

  itWithTools('lame')('mp3: lame --decode reads it', async () => {
    const encoder = await createAudioEncoder('mp3', { sampleRate: 24_000 });
    const { bytes } = await runChunked(encoder, speech, CHUNKS);
    const wav = runOnFile(bytes, 'mp3', 'lame', (file) => ['--quiet', '--decode', file, '-']);
    expect((wav.length - 44) / 2 / 24_000).toBeGreaterThan(3.98);
  });
});

describe('createAudioEncoder: streaming behaviour', () => {
  it.each(['wav', 'pcm16', 'g711_ulaw', 'mp3', 'opus'] as const)('%s emits bytes before end()', async (format) => {
    const encoder = await createAudioEncoder(format, { sampleRate: 24_000 });
    const { pieces } = await runChunked(encoder, speech.subarray(0, 24_000), [2400]);
    expect(pieces.slice(0, -1).filter((size) => size > 0).length).toBeGreaterThanOrEqual(8);
  });

  it.each(GATEWAY_OUTPUT_AUDIO_FORMATS)('%s: an empty stream is still a valid (empty) file', async (format) => {
    const encoder = await createAudioEncoder(format, { sampleRate: 24_000 });
    const { bytes } = await runChunked(encoder, new Int16Array(0), [1]);
    if (format === 'pcm16' || format.startsWith('g711')) expect(bytes.length).toBe(0);
    else if (hasTool('ffmpeg'))
      expect(ffmpegDecode(bytes, EXPECTED[format].extension, 24_000).length).toBeLessThan(2400);
  });

  it('rejects push after end', async () => {
    const encoder = await createAudioEncoder('mp3', { sampleRate: 24_000 });
    await encoder.end();
    expect(() => encoder.push(new Int16Array(10))).toThrow('push after end');
  });

  it('encodes PCM at other rates, resampling where the codec needs it', async () => {
    const opus = await createAudioEncoder('opus', { sampleRate: 44_100 });
    const g711 = await createAudioEncoder('g711_alaw', { sampleRate: 16_000 });
    const wav = await createAudioEncoder('wav', { sampleRate: 16_000 });
    expect((await runChunked(g711, new Int16Array(16_000), [1000])).bytes.length).toBe(8000);
    expect((await runChunked(wav, new Int16Array(16_000), [1000])).bytes.length).toBe(44 + 32_000);
    const { bytes } = await runChunked(opus, new Int16Array(44_100), [4410]);
    if (hasTool('ffprobe')) expect(ffprobe(bytes, 'opus')).toMatchObject({ codec: 'opus', sampleRate: 48_000 });
  });
});

describe('createAudioEncoder: abort', () => {
  it.each(GATEWAY_OUTPUT_AUDIO_FORMATS)(
    '%s: abort releases the encoder; push then throws, end yields nothing',
    async (format) => {
      const encoder = await createAudioEncoder(format, { sampleRate: 24_000 });
      encoder.push(speech.subarray(0, 4800));
      encoder.abort();
      encoder.abort();
      expect(() => encoder.push(speech.subarray(0, 10))).toThrow('push after end');
      expect((await encoder.end()).length).toBe(0);
    },
  );

  // OS threads of this process (Linux): the AAC encoder's worker is one of them while it runs.
  const threads = (): number => readdirSync('/proc/self/task').length;
  (existsSync('/proc/self/task') ? it : it.skip)(
    'aac: abort stops the encoder thread, so nothing keeps the process alive',
    async () => {
      const workers = threads;
      const before = workers();
      const encoder = await createAudioEncoder('aac', { sampleRate: 24_000 });
      encoder.push(speech.subarray(0, 24_000));
      // The thread starts when the first samples reach the encoder, asynchronously.
      for (let i = 0; i < 100 && workers() <= before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(workers()).toBeGreaterThan(before);
      encoder.abort();
      for (let i = 0; i < 50 && workers() > before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      // Other threads (V8, libuv) may also have ended meanwhile; what matters is that the encoder's did.
      expect(workers()).toBeLessThanOrEqual(before);
    },
  );
});
