import { ffmpegDecode, fixture, itWithTools, snrDb } from '../__fixtures__/audio-test-tools';
import type { DeclaredInputAudioFormat } from '../audio-formats';
import { decodeAudio } from './decode-audio';

/**
 * Every fixture decoded by us and by ffmpeg (the independent reference) to mono s16 at our output rate.
 * Lossless sources must match exactly (bar ffmpeg's own rounding of the downmix / float conversion);
 * lossy ones closely (ffmpeg's MP3 and Opus decoders are separate implementations).
 */
describe('decodeAudio against ffmpeg', () => {
  const cases: Array<[string, DeclaredInputAudioFormat, number, number, string[]]> = [
    // name, declared, expected rate, min SNR dB vs ffmpeg, ffmpeg input args
    ['speech-16k.wav', 'wav', 16_000, 200, []],
    ['speech-ffmpeg-list.wav', 'auto', 22_050, 200, []],
    ['speech-22k-u8.wav', 'wav', 22_050, 200, []],
    ['speech-22k-s24.wav', 'wav', 22_050, 60, []],
    ['speech-22k-f32.wav', 'wav', 22_050, 60, []],
    ['speech-22k-stereo.wav', 'wav', 22_050, 60, []],
    ['speech-8k-ulaw.wav', 'wav', 8000, 200, []],
    ['speech-8k-alaw.wav', 'wav', 8000, 200, []],
    ['speech-24k.pcm16', 'pcm16', 24_000, 200, ['-f', 's16le', '-ar', '24000', '-ac', '1']],
    ['speech-8k.ulaw', 'g711_ulaw', 8000, 200, ['-f', 'mulaw', '-ar', '8000', '-ac', '1']],
    ['speech-8k.alaw', 'g711_alaw', 8000, 200, ['-f', 'alaw', '-ar', '8000', '-ac', '1']],
    ['speech-16k.flac', 'flac', 16_000, 200, []],
    ['speech-48k-s24.flac', 'auto', 48_000, 60, []],
    ['speech-24k-id3.mp3', 'mp3', 24_000, 30, []],
    ['speech-44k-stereo.mp3', 'mp3', 44_100, 30, []],
    ['speech-opusenc-stereo.opus', 'opus', 24_000, 15, []],
    ['speech-ffmpeg.opus', 'ogg', 24_000, 15, []],
    ['speech-ffmpeg.webm', 'webm', 24_000, 15, []],
    ['chrome-mediarecorder.webm', 'webm', 24_000, 15, []],
  ];

  for (const [name, declared, rate, minSnr, inputArgs] of cases) {
    itWithTools('ffmpeg')(`${name} (${declared})`, async () => {
      const bytes = fixture(name);
      const audio = await decodeAudio(bytes, declared);
      expect(audio.sampleRate).toBe(rate);
      const reference = ffmpegDecode(bytes, name.split('.').pop() ?? 'bin', rate, inputArgs);
      // Same length to within one codec frame (MP3/Opus decoders differ in how they trim padding).
      expect(Math.abs(audio.samples.length - reference.length)).toBeLessThanOrEqual(rate / 40);
      const lag = minSnr >= 100 ? 0 : Math.round(rate / 200);
      const snr = snrDb(reference, audio.samples, lag);
      if (minSnr >= 200) expect(audio.samples).toEqual(reference);
      else expect(snr).toBeGreaterThan(minSnr);
    });
  }
});

describe('decodeAudio durations', () => {
  it.each([
    ['speech-16k.wav', 4],
    ['speech-24k.pcm16', 4],
    ['speech-8k.ulaw', 4],
    ['speech-16k.flac', 4],
    ['speech-ffmpeg.opus', 4],
    ['speech-opusenc-stereo.opus', 4],
    ['speech-ffmpeg.webm', 4],
  ])('%s lasts %d s exactly (pre-skip and end trimming applied)', async (name, seconds) => {
    const declared = name.endsWith('.pcm16') ? 'pcm16' : name.endsWith('.ulaw') ? 'g711_ulaw' : 'auto';
    const audio = await decodeAudio(fixture(name), declared);
    expect(audio.samples.length / audio.sampleRate).toBeCloseTo(seconds, 2);
  });

  it('decodes the Chromium MediaRecorder WebM (stereo, unknown-size segment, no duration) to about 4 s', async () => {
    const audio = await decodeAudio(fixture('chrome-mediarecorder.webm'), 'auto');
    expect(audio.samples.length / audio.sampleRate).toBeGreaterThan(3.9);
    expect(audio.samples.length / audio.sampleRate).toBeLessThan(4.2);
  });
});
