import { fixture } from '../__fixtures__/audio-test-tools';
import { AudioError } from '../audio-error';
import type { DeclaredInputAudioFormat } from '../audio-formats';
import { resolveInputFormat } from './resolve-input-format';

function errorOf(declared: DeclaredInputAudioFormat, bytes: Uint8Array): AudioError {
  try {
    resolveInputFormat(declared, bytes);
  } catch (error) {
    if (error instanceof AudioError) return error;
    throw error;
  }
  throw new Error('expected an AudioError');
}

describe('resolveInputFormat', () => {
  it.each([
    ['wav', 'speech-16k.wav', 'wav'],
    ['mp3', 'speech-24k-id3.mp3', 'mp3'],
    ['flac', 'speech-16k.flac', 'flac'],
    ['opus', 'speech-opusenc-stereo.opus', 'opus'],
    ['ogg', 'speech-ffmpeg.opus', 'ogg'],
    ['webm', 'chrome-mediarecorder.webm', 'webm'],
    ['auto', 'speech-16k.wav', 'wav'],
    ['auto', 'speech-ffmpeg.opus', 'opus'],
    ['auto', 'speech-ffmpeg.webm', 'webm'],
    ['auto', 'speech-44k-stereo.mp3', 'mp3'],
    ['auto', 'speech-48k-s24.flac', 'flac'],
    ['pcm16', 'speech-24k.pcm16', 'pcm16'],
    ['g711_ulaw', 'speech-8k.ulaw', 'g711_ulaw'],
    ['g711_alaw', 'speech-8k.alaw', 'g711_alaw'],
  ] as const)('accepts %s for %s', (declared, name, format) => {
    expect(resolveInputFormat(declared, fixture(name)).format).toBe(format);
  });

  it('gives headerless formats their implied rate and codec', () => {
    expect(resolveInputFormat('pcm16', fixture('speech-24k.pcm16'))).toMatchObject({
      codec: 'pcm_s16le',
      sampleRate: 24_000,
      channels: 1,
    });
    expect(resolveInputFormat('g711_alaw', fixture('speech-8k.alaw'))).toMatchObject({
      codec: 'alaw',
      sampleRate: 8000,
    });
  });

  it('names declared and detected formats on a mismatch', () => {
    expect(errorOf('mp3', fixture('speech-16k.wav'))).toMatchObject({
      code: 'format_mismatch',
      message: 'audio declared as mp3 but the bytes are wav (pcm_s16le)',
    });
    expect(errorOf('wav', fixture('speech-ffmpeg.opus')).message).toBe(
      'audio declared as wav but the bytes are ogg (opus)',
    );
    expect(errorOf('opus', fixture('speech-ffmpeg.webm')).message).toBe(
      'audio declared as opus but the bytes are webm (opus); declare webm for WebM/Opus',
    );
    expect(errorOf('opus', fixture('speech-vorbis.ogg')).message).toBe(
      'audio declared as opus but the bytes are ogg (vorbis)',
    );
    expect(errorOf('pcm16', fixture('speech-16k.flac'))).toMatchObject({ code: 'format_mismatch' });
    expect(errorOf('flac', fixture('speech-24k.pcm16'))).toMatchObject({
      code: 'format_mismatch',
      message: 'audio declared as flac but the bytes are not a flac file',
    });
  });

  it('rejects empty audio, unrecognised bytes under auto, unsupported codecs and broken headers', () => {
    expect(errorOf('auto', new Uint8Array(0)).code).toBe('empty_audio');
    expect(errorOf('wav', new Uint8Array(0)).code).toBe('empty_audio');
    expect(errorOf('auto', fixture('speech-24k.pcm16')).code).toBe('unsupported_codec');
    expect(errorOf('ogg', fixture('speech-vorbis.ogg'))).toMatchObject({
      code: 'unsupported_codec',
      message: 'ogg (vorbis) audio is not supported',
    });
    expect(errorOf('auto', fixture('speech-vorbis.ogg')).code).toBe('unsupported_codec');
    expect(errorOf('pcm16', new Uint8Array(3)).code).toBe('corrupt_audio');
    const broken = fixture('speech-16k.wav').slice();
    new DataView(broken.buffer).setUint32(24, 0, true);
    expect(errorOf('wav', broken)).toMatchObject({ code: 'corrupt_audio', message: expect.stringContaining('0 Hz') });
  });

  it('rejects a WAV whose header is valid but whose data chunk holds no samples', () => {
    const wav = fixture('speech-16k.wav');
    const header = wav.slice(0, 44);
    new DataView(header.buffer).setUint32(40, 0, true);
    new DataView(header.buffer).setUint32(4, 36, true);
    for (const declared of ['wav', 'auto'] as const) expect(errorOf(declared, header).code).toBe('empty_audio');
    // One byte of a 2-byte frame is no whole sample either.
    const oneByte = Uint8Array.from([...header, 0]);
    new DataView(oneByte.buffer).setUint32(40, 1, true);
    expect(errorOf('wav', oneByte).code).toBe('empty_audio');
  });
});
