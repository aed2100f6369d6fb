import { ffprobe, fixture, itWithTools } from '../__fixtures__/audio-test-tools';
import { AudioError } from '../audio-error';
import { decodeAudio } from '../decode/decode-audio';
import { transcodeToWav } from './transcode-to-wav';

describe('transcodeToWav', () => {
  it.each([
    ['chrome-mediarecorder.webm', 'webm', 24_000],
    ['speech-opusenc-stereo.opus', 'auto', 24_000],
    ['speech-44k-stereo.mp3', 'mp3', 44_100],
    ['speech-16k.flac', 'flac', 16_000],
    ['speech-8k.alaw', 'g711_alaw', 8000],
  ] as const)('%s → mono 16-bit WAV at the decoded rate (%s)', async (name, declared, rate) => {
    const wav = await transcodeToWav(fixture(name), declared);
    const again = await decodeAudio(wav, 'wav');
    expect(again.sampleRate).toBe(rate);
    expect(again.samples).toEqual((await decodeAudio(fixture(name), declared)).samples);
    const view = new DataView(wav.buffer, wav.byteOffset);
    expect(view.getUint32(40, true)).toBe(wav.length - 44);
  });

  itWithTools('ffprobe')('is a WAV ffprobe reads with its exact duration', async () => {
    const wav = await transcodeToWav(fixture('chrome-mediarecorder.webm'), 'auto');
    const probe = ffprobe(wav, 'wav');
    expect(probe).toMatchObject({ codec: 'pcm_s16le', sampleRate: 24_000, channels: 1 });
    expect(probe.duration).toBeGreaterThan(3.9);
  });

  it('throws the same AudioErrors as decodeAudio', async () => {
    await expect(transcodeToWav(new Uint8Array(0), 'auto')).rejects.toBeInstanceOf(AudioError);
    await expect(transcodeToWav(fixture('speech-16k.wav'), 'mp3')).rejects.toMatchObject({ code: 'format_mismatch' });
  });
});
