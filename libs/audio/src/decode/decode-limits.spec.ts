import { fixture, sine } from '../__fixtures__/audio-test-tools';
import { AudioError } from '../audio-error';
import { createAudioEncoder } from '../encode/create-audio-encoder';
import { OggPageWriter } from '../encode/ogg-page.writer';
import { encodeWav } from '../pipeline/transcode-to-wav';
import { decodeAudio } from './decode-audio';

const ONE_SECOND = { maxDurationSeconds: 1, maxDecodedBytes: 64 * 1024 * 1024 };

async function rejection(promise: Promise<unknown>): Promise<AudioError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AudioError) return error;
    throw error;
  }
  throw new Error('expected an AudioError');
}

/** An Ogg/Opus file of `packets` 3-byte packets that each claim 120 ms (TOC code 3, 2 × 60 ms SILK frames). */
function opusBomb(packets: number): Uint8Array {
  const writer = new OggPageWriter(1);
  const head = new Uint8Array([...new TextEncoder().encode('OpusHead'), 1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]);
  const tags = new Uint8Array([...new TextEncoder().encode('OpusTags'), 0, 0, 0, 0, 0, 0, 0, 0]);
  const pages = [...writer.pages([head], () => 0), ...writer.pages([tags], () => 0)];
  const bomb = new Uint8Array([(3 << 3) | 3, 0x02, 0x00]);
  for (let start = 0; start < packets; start += 200) {
    const batch = Array.from({ length: Math.min(200, packets - start) }, () => bomb);
    pages.push(...writer.pages(batch, (i) => 312 + (start + i + 1) * 5760));
  }
  const total = pages.reduce((sum, page) => sum + page.length, 0);
  const file = new Uint8Array(total);
  let offset = 0;
  for (const page of pages) {
    file.set(page, offset);
    offset += page.length;
  }
  return file;
}

describe('decode limits', () => {
  it('rejects an Opus decompression bomb from packet TOCs before decoding anything', async () => {
    const bomb = opusBomb(30_000); // 30 000 × 120 ms = 1 hour, in ~130 KB
    expect(bomb.length).toBeLessThan(200_000);
    const started = performance.now();
    const error = await rejection(decodeAudio(bomb, 'opus', { maxDurationSeconds: 600, maxDecodedBytes: 1e9 }));
    expect(error).toMatchObject({ code: 'too_long', message: 'audio declares 3600.0 s, more than the 600 s allowed' });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('checks WAV, headerless, FLAC STREAMINFO and MP3 frame counts before decoding', async () => {
    for (const [name, declared] of [
      ['speech-16k.wav', 'wav'],
      ['speech-24k.pcm16', 'pcm16'],
      ['speech-8k.ulaw', 'g711_ulaw'],
      ['speech-16k.flac', 'flac'],
      ['speech-24k-id3.mp3', 'mp3'],
      ['speech-ffmpeg.webm', 'webm'],
    ] as const) {
      const error = await rejection(decodeAudio(fixture(name), declared, ONE_SECOND));
      expect(error.code).toBe('too_long');
      expect(error.message).toMatch(/^audio declares 4\.\d s, more than the 1 s allowed$/);
    }
  });

  it('rejects by decoded size as well as duration', async () => {
    const error = await rejection(
      decodeAudio(fixture('speech-16k.wav'), 'wav', { maxDurationSeconds: 60, maxDecodedBytes: 100_000 }),
    );
    expect(error).toMatchObject({
      code: 'too_large',
      message: 'audio declares 128000 bytes of PCM, more than the 100000 allowed',
    });
  });

  it('stops a FLAC stream of unknown length (streamed STREAMINFO) while decoding', async () => {
    const encoder = await createAudioEncoder('flac', { sampleRate: 24_000 });
    const flac = new Uint8Array([...encoder.push(sine(440, 3, 24_000)), ...(await encoder.end())]);
    const error = await rejection(decodeAudio(flac, 'flac', ONE_SECOND));
    expect(error.code).toBe('too_long');
    expect(error.message).toMatch(/^audio decodes to 1\.\d s/);
  });

  it('rejects a FLAC file whose STREAMINFO claims an absurd length, without decoding', async () => {
    const flac = fixture('speech-16k.flac').slice();
    // total_samples is the low 4 bits of byte 21 and bytes 22–25 (after "fLaC" + block header + 13 bytes).
    flac[21] = (flac[21] ?? 0) | 0x0f;
    flac.fill(0xff, 22, 26);
    const error = await rejection(decodeAudio(flac, 'flac'));
    expect(error.code).toBe('too_long');
    expect(error.message).toContain('declares');
  });

  it('yields to the event loop while decoding a long file', async () => {
    // Long enough (2 min at 48 kHz) that decoding spans many 4 ms slices even on a fast, idle machine.
    const wav = encodeWav({ sampleRate: 48_000, samples: sine(300, 120, 48_000) });
    const encoder = await createAudioEncoder('opus', { sampleRate: 24_000 });
    const opus = new Uint8Array([...encoder.push(sine(300, 120, 24_000)), ...(await encoder.end())]);
    for (const [bytes, declared] of [
      [wav, 'wav'],
      [opus, 'opus'],
    ] as const) {
      let turns = 0;
      let running = true;
      const spin = (): void => {
        turns++;
        if (running) setImmediate(spin);
      };
      setImmediate(spin);
      await decodeAudio(bytes, declared);
      running = false;
      expect(turns).toBeGreaterThan(3);
    }
  }, 30_000);

  it('rejects invalid limits as a caller error', async () => {
    const error = await rejection(
      decodeAudio(fixture('speech-16k.wav'), 'wav', { maxDurationSeconds: 0, maxDecodedBytes: 1 }),
    );
    expect(error.code).toBe('invalid_argument');
  });
});
