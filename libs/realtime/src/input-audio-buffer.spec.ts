import { encodeG711 } from '@voxgate/audio';
import { speechPcm16 } from '@voxgate/testing';
import { AppendError, InputAudioBuffer } from './input-audio-buffer';

const speech = () => {
  const bytes = speechPcm16();
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
};

describe('InputAudioBuffer', () => {
  it('reassembles pcm16 split at odd byte boundaries, sample for sample', () => {
    const buffer = new InputAudioBuffer({ type: 'audio/pcm', rate: 24000 }, 24000 * 10);
    const bytes = speechPcm16();
    for (const [from, to] of [
      [0, 1],
      [1, 4801],
      [4801, 4802],
      [4802, bytes.length],
    ]) {
      buffer.append(bytes.subarray(from, to).toString('base64'));
    }
    expect(buffer.sampleRate).toBe(24000);
    expect(Buffer.from(buffer.take().buffer).equals(bytes)).toBe(true);
    expect(buffer.size).toBe(0);
    expect(buffer.totalSamples).toBe(bytes.length / 2);
  });

  it.each([['audio/pcmu', 'ulaw'] as const, ['audio/pcma', 'alaw'] as const])(
    'decodes %s at 8 kHz to what G.711 keeps of the signal',
    (type, law) => {
      const original = speech().filter((_, index) => index % 3 === 0); // crude 8 kHz
      const buffer = new InputAudioBuffer({ type }, 8000 * 10);
      buffer.append(Buffer.from(encodeG711(original, law)).toString('base64'));
      const decoded = buffer.take();
      expect(buffer.sampleRate).toBe(8000);
      expect(decoded.length).toBe(original.length);
      let error = 0;
      let energy = 0;
      for (let i = 0; i < original.length; i++) {
        error += ((decoded[i] ?? 0) - (original[i] ?? 0)) ** 2;
        energy += (original[i] ?? 0) ** 2;
      }
      expect(10 * Math.log10(energy / error)).toBeGreaterThan(30); // G.711 SNR is ~35-38 dB
    },
  );

  it('refuses bad base64 and audio past its bound, keeping what it had', () => {
    const buffer = new InputAudioBuffer({ type: 'audio/pcm', rate: 24000 }, 24000);
    buffer.append(Buffer.alloc(24000).toString('base64'));
    expect(() => buffer.append('abc$')).toThrow(AppendError);
    let full: unknown;
    try {
      buffer.append(Buffer.alloc(48000).toString('base64'));
    } catch (error) {
      full = error;
    }
    expect(full).toMatchObject({ code: 'input_audio_buffer_full' });
    expect(buffer.size).toBe(12000);
  });

  it('take(from, to) keeps audio after `to` for the next turn and drops audio before `from`', () => {
    const buffer = new InputAudioBuffer({ type: 'audio/pcm', rate: 24000 }, 24000 * 10);
    const samples = Int16Array.from({ length: 100 }, (_, index) => index);
    buffer.append(Buffer.from(samples.buffer).toString('base64'));
    expect(Array.from(buffer.take(10, 20))).toEqual(
      samples.slice(10, 20).length ? Array.from(samples.slice(10, 20)) : [],
    );
    expect(Array.from(buffer.take())).toEqual(Array.from(samples.slice(20)));
  });
});
