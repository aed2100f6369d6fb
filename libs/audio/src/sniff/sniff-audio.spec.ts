import { fixture } from '../__fixtures__/audio-test-tools';
import { sniffAudio } from './sniff-audio';

describe('sniffAudio on encoder-made files', () => {
  it.each([
    ['speech-16k.wav', { container: 'wav', codec: 'pcm_s16le', sampleRate: 16_000, channels: 1 }],
    ['speech-22k-u8.wav', { container: 'wav', codec: 'pcm_u8', sampleRate: 22_050, channels: 1 }],
    ['speech-22k-s24.wav', { container: 'wav', codec: 'pcm_s24le', sampleRate: 22_050, channels: 1 }],
    ['speech-22k-f32.wav', { container: 'wav', codec: 'pcm_f32le', sampleRate: 22_050, channels: 1 }],
    ['speech-22k-stereo.wav', { container: 'wav', codec: 'pcm_s16le', sampleRate: 22_050, channels: 2 }],
    ['speech-8k-ulaw.wav', { container: 'wav', codec: 'mulaw', sampleRate: 8000, channels: 1 }],
    ['speech-8k-alaw.wav', { container: 'wav', codec: 'alaw', sampleRate: 8000, channels: 1 }],
    ['speech-ffmpeg-list.wav', { container: 'wav', codec: 'pcm_s16le', sampleRate: 22_050, channels: 1 }],
    ['speech-24k-id3.mp3', { container: 'mp3', codec: 'mp3', sampleRate: 24_000, channels: 1 }],
    ['speech-44k-stereo.mp3', { container: 'mp3', codec: 'mp3', sampleRate: 44_100, channels: 2 }],
    ['speech-16k.flac', { container: 'flac', codec: 'flac', sampleRate: 16_000, channels: 1 }],
    ['speech-48k-s24.flac', { container: 'flac', codec: 'flac', sampleRate: 48_000, channels: 1 }],
    ['speech-opusenc-stereo.opus', { container: 'ogg', codec: 'opus', sampleRate: 48_000, channels: 2 }],
    ['speech-ffmpeg.opus', { container: 'ogg', codec: 'opus', sampleRate: 48_000, channels: 1 }],
    ['speech-vorbis.ogg', { container: 'ogg', codec: 'vorbis', sampleRate: 16_000, channels: 1 }],
    ['speech-ffmpeg.webm', { container: 'webm', codec: 'opus', sampleRate: 48_000, channels: 1 }],
    ['chrome-mediarecorder.webm', { container: 'webm', codec: 'opus', sampleRate: 48_000, channels: 2 }],
  ])('%s', (name, expected) => {
    expect(sniffAudio(fixture(name))).toEqual(expected);
  });
});

describe('sniffAudio on everything else', () => {
  it('reports headerless audio (pcm16, G.711) as unknown', () => {
    expect(sniffAudio(fixture('speech-24k.pcm16'))).toEqual({ container: 'unknown', codec: 'unknown' });
    expect(sniffAudio(fixture('speech-8k.ulaw'))).toEqual({ container: 'unknown', codec: 'unknown' });
    expect(sniffAudio(fixture('speech-8k.alaw'))).toEqual({ container: 'unknown', codec: 'unknown' });
  });

  it('reports empty, tiny and random input as unknown without throwing', () => {
    expect(sniffAudio(new Uint8Array(0))).toEqual({ container: 'unknown', codec: 'unknown' });
    expect(sniffAudio(new Uint8Array([0x52, 0x49]))).toEqual({ container: 'unknown', codec: 'unknown' });
    let seed = 7;
    const random = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    expect(sniffAudio(random).container).toBe('unknown');
  });

  it('does not take a lone MPEG-looking sync word for MP3 (a second frame must follow)', () => {
    const bytes = new Uint8Array(2000);
    bytes.set([0xff, 0xfb, 0x90, 0x64]);
    expect(sniffAudio(bytes).container).toBe('unknown');
  });

  it('flags a recognised container whose header is broken', () => {
    const wav = fixture('speech-16k.wav');
    const broken = wav.slice();
    new DataView(broken.buffer).setUint16(22, 0, true);
    expect(sniffAudio(broken)).toMatchObject({
      container: 'wav',
      codec: 'unknown',
      problem: expect.stringContaining('0 channels'),
    });
    expect(sniffAudio(fixture('speech-ffmpeg.webm').subarray(0, 60))).toMatchObject({
      container: 'webm',
      problem: expect.any(String),
    });
    expect(sniffAudio(fixture('speech-16k.flac').subarray(0, 20))).toMatchObject({
      container: 'flac',
      problem: expect.any(String),
    });
  });

  it('finds FLAC and MP3 behind ID3v2 tags', () => {
    const tag = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 10, ...new Array<number>(10).fill(0)]);
    const flac = fixture('speech-16k.flac');
    const tagged = new Uint8Array(tag.length + flac.length);
    tagged.set(tag);
    tagged.set(flac, tag.length);
    expect(sniffAudio(tagged)).toMatchObject({ container: 'flac', codec: 'flac' });
  });
});
