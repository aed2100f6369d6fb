import { fixture } from '../__fixtures__/audio-test-tools';
import { AudioError, type AudioErrorCode } from '../audio-error';
import { GATEWAY_INPUT_AUDIO_FORMATS, type DeclaredInputAudioFormat } from '../audio-formats';
import { decodeAudio } from './decode-audio';

async function codeOf(bytes: Uint8Array, declared: DeclaredInputAudioFormat): Promise<AudioErrorCode | 'ok'> {
  try {
    await decodeAudio(bytes, declared, { maxDurationSeconds: 60, maxDecodedBytes: 16 * 1024 * 1024 });
    return 'ok';
  } catch (error) {
    if (error instanceof AudioError) return error.code;
    throw error;
  }
}

const CONTAINER_FIXTURES: Array<[string, DeclaredInputAudioFormat]> = [
  ['speech-16k.wav', 'wav'],
  ['speech-22k-s24.wav', 'wav'],
  ['speech-24k-id3.mp3', 'mp3'],
  ['speech-44k-stereo.mp3', 'mp3'],
  ['speech-16k.flac', 'flac'],
  ['speech-48k-s24.flac', 'flac'],
  ['speech-opusenc-stereo.opus', 'opus'],
  ['speech-ffmpeg.opus', 'ogg'],
  ['speech-ffmpeg.webm', 'webm'],
  ['chrome-mediarecorder.webm', 'webm'],
];

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('broken inputs are clean AudioErrors', () => {
  it.each([...GATEWAY_INPUT_AUDIO_FORMATS, 'auto'] as const)(
    'zero bytes declared %s → empty_audio',
    async (declared) => {
      expect(await codeOf(new Uint8Array(0), declared)).toBe('empty_audio');
    },
  );

  it.each(CONTAINER_FIXTURES)(
    '%s truncated to half, to 100 and to 10 bytes → corrupt_audio',
    async (name, declared) => {
      const bytes = fixture(name);
      expect(await codeOf(bytes.subarray(0, bytes.length >> 1), declared)).toBe('corrupt_audio');
      expect(await codeOf(bytes.subarray(0, 100), declared)).toMatch(/corrupt_audio|format_mismatch/);
      expect(await codeOf(bytes.subarray(0, 10), declared)).toMatch(/corrupt_audio|format_mismatch/);
    },
  );

  it.each([
    ...GATEWAY_INPUT_AUDIO_FORMATS.filter((f) => !['pcm16', 'g711_ulaw', 'g711_alaw'].includes(f)),
    'auto',
  ] as const)('random bytes declared %s → format_mismatch (auto: unsupported_codec)', async (declared) => {
    const next = rng(42);
    const random = Uint8Array.from({ length: 8192 }, () => Math.floor(next() * 256));
    expect(await codeOf(random, declared)).toBe(declared === 'auto' ? 'unsupported_codec' : 'format_mismatch');
  });

  it('rejects absurd WAV header values', async () => {
    const wav = fixture('speech-16k.wav');
    const patch = (offset: number, value: number, bytes: 2 | 4): Uint8Array => {
      const copy = wav.slice();
      const view = new DataView(copy.buffer);
      if (bytes === 2) view.setUint16(offset, value, true);
      else view.setUint32(offset, value, true);
      return copy;
    };
    expect(await codeOf(patch(24, 0xffffffff, 4), 'wav')).toBe('corrupt_audio'); // sample rate
    expect(await codeOf(patch(22, 0xffff, 2), 'wav')).toBe('corrupt_audio'); // channels
    expect(await codeOf(patch(34, 0xffff, 2), 'wav')).toBe('corrupt_audio'); // bits per sample
    expect(await codeOf(patch(40, 0x7fffffff, 4), 'wav')).toBe('corrupt_audio'); // data size past the end
    expect(await codeOf(patch(16, 0xfffffff0, 4), 'wav')).toBe('corrupt_audio'); // fmt chunk size
  });

  it('accepts the streamed-WAV convention (0xFFFFFFFF sizes) and reads to the end', async () => {
    const wav = fixture('speech-16k.wav').slice();
    new DataView(wav.buffer).setUint32(4, 0xffffffff, true);
    new DataView(wav.buffer).setUint32(40, 0xffffffff, true);
    const audio = await decodeAudio(wav, 'wav');
    expect(audio.samples.length).toBe(64_000);
  });

  it('rejects an Ogg page whose checksum fails, and huge EBML sizes', async () => {
    const ogg = fixture('speech-ffmpeg.opus').slice();
    ogg[ogg.length - 10] = (ogg[ogg.length - 10] ?? 0) ^ 0xff;
    expect(await codeOf(ogg, 'ogg')).toBe('corrupt_audio');
    const webm = fixture('speech-ffmpeg.webm').slice();
    // EBML header's size VINT → 8-byte maximum: the element claims more bytes than exist.
    webm.set([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], 4);
    expect(await codeOf(webm, 'webm')).toBe('corrupt_audio');
  });

  it.each(CONTAINER_FIXTURES)(
    '%s: 40 random mutations never escape as anything but AudioError',
    async (name, declared) => {
      const original = fixture(name);
      const next = rng(name.length * 7919);
      for (let round = 0; round < 40; round++) {
        const bytes = original.slice();
        const kind = round % 3;
        if (kind === 0) {
          for (let i = 0; i < 1 + Math.floor(next() * 8); i++)
            bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        } else if (kind === 1) {
          const at = Math.floor(next() * Math.min(bytes.length, 400));
          bytes.fill(0xff, at, at + 1 + Math.floor(next() * 8));
        }
        const input = kind === 2 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes;
        const code = await codeOf(input, next() < 0.5 ? declared : 'auto');
        expect([
          'ok',
          'corrupt_audio',
          'format_mismatch',
          'unsupported_codec',
          'empty_audio',
          'too_long',
          'too_large',
        ]).toContain(code);
      }
    },
    // 40 full decodes each: well under a second alone, several seconds on a loaded 2-core CI machine.
    30_000,
  );
});
