import { encodeWav } from '@voxgate/audio';
import { pcm16Wav } from './stored-conversation';

describe('pcm16Wav', () => {
  it('reads back the samples and rate of a mono 16-bit WAV', () => {
    const samples = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const decoded = pcm16Wav(Buffer.from(encodeWav({ samples, sampleRate: 24_000 })));
    expect(decoded?.sampleRate).toBe(24_000);
    expect(Array.from(decoded?.samples ?? [])).toEqual(Array.from(samples));
  });

  it('refuses what is not a mono 16-bit PCM WAV', () => {
    expect(pcm16Wav(Buffer.from('not audio at all'))).toBeNull();
    const wav = Buffer.from(encodeWav({ samples: new Int16Array(4), sampleRate: 8000 }));
    wav.writeUInt16LE(2, 22); // two channels
    expect(pcm16Wav(wav)).toBeNull();
  });
});
