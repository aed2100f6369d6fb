import { readSpeechClip } from '../fixtures/fixture-paths';
import { PCM16_SAMPLE_RATE, SPEECH_TRANSCRIPT, speechPcm16, speechWav } from './audio-fixtures';
import { ffprobeAudio, hasFfprobe } from './ffprobe';
import { parseWav, wavFromPcm16 } from './wav.format';

describe('speech fixture', () => {
  it('is about 1.78 s of 24 kHz mono s16le with real signal in it', () => {
    const pcm = speechPcm16();
    expect(pcm.length % 2).toBe(0);
    expect(pcm.length / 2 / PCM16_SAMPLE_RATE).toBeCloseTo(1.783, 2);
    let peak = 0;
    for (let offset = 0; offset < pcm.length; offset += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(offset)));
    expect(peak).toBeGreaterThan(8_000);
    expect(SPEECH_TRANSCRIPT).toBe('has never been surpassed.');
  });

  it('hands out copies', () => {
    const first = speechPcm16();
    first.fill(0);
    expect(speechPcm16().equals(first)).toBe(false);
  });
});

describe('wavFromPcm16', () => {
  it('writes the canonical 44-byte PCM header', () => {
    const wav = wavFromPcm16(Buffer.alloc(480), 24_000);
    expect(wav.length).toBe(524);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(516);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect([wav.readUInt32LE(16), wav.readUInt16LE(20), wav.readUInt16LE(22)]).toEqual([16, 1, 1]);
    expect([wav.readUInt32LE(24), wav.readUInt32LE(28), wav.readUInt16LE(32), wav.readUInt16LE(34)]).toEqual([
      24_000, 48_000, 2, 16,
    ]);
    expect([wav.toString('ascii', 36, 40), wav.readUInt32LE(40)]).toEqual(['data', 480]);
  });

  it('round-trips through parseWav', () => {
    const info = parseWav(speechWav());
    expect(info).toMatchObject({ audioFormat: 1, channels: 1, sampleRate: 24_000, bitsPerSample: 16, dataOffset: 44 });
    expect(info?.dataBytes).toBe(speechPcm16().length);
    expect(info?.durationSeconds).toBeCloseTo(1.783, 2);
  });

  (hasFfprobe() ? it : it.skip)('is read by ffprobe as 24 kHz mono pcm_s16le', () => {
    expect(ffprobeAudio(speechWav())).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '24000', channels: 1 });
  });
});

describe('parseWav', () => {
  it('skips chunks it does not know, including their pad byte', () => {
    const plain = wavFromPcm16(Buffer.alloc(8), 16_000);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.alloc(1)]);
    const wav = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    expect(parseWav(wav)).toMatchObject({ sampleRate: 16_000, dataOffset: 56, dataBytes: 8 });
  });

  it('reads the 22 050 Hz source WAV of the fixture, as the LJ Speech dataset ships it', () => {
    const info = parseWav(readSpeechClip('LJ001-0008.wav'));
    expect(info).toMatchObject({ audioFormat: 1, channels: 1, sampleRate: 22_050, bitsPerSample: 16 });
    expect(info?.durationSeconds).toBeCloseTo(1.783, 2);
  });

  it('returns undefined for something that is not a WAV', () => {
    expect(parseWav(speechPcm16())).toBeUndefined();
    expect(parseWav(Buffer.from('RIFF'))).toBeUndefined();
  });
});
