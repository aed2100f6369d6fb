import { dominantFrequency, rms, sine, snrDb } from '../__fixtures__/audio-test-tools';
import { concatSamples } from '../internal/bytes';
import { Resampler } from './resampler';

async function resample(input: Int16Array, from: number, to: number, chunk: number): Promise<Int16Array> {
  const resampler = await Resampler.create(from, to);
  const parts: Int16Array[] = [];
  for (let offset = 0; offset < input.length; offset += chunk)
    parts.push(resampler.process(input.subarray(offset, offset + chunk)));
  parts.push(resampler.flush());
  return concatSamples(parts);
}

describe('Resampler', () => {
  it.each([
    [48_000, 24_000],
    [48_000, 16_000],
    [24_000, 8000],
    [16_000, 24_000],
    [22_050, 24_000],
    [8000, 24_000],
    [44_100, 48_000],
  ])('%d → %d Hz: exact length, aligned, a 1 kHz tone kept clean', async (from, to) => {
    const input = sine(1000, 2, from);
    const output = await resample(input, from, to, Math.round(from / 10));
    expect(output.length).toBe(Math.round((input.length * to) / from));
    expect(dominantFrequency(output, to, 900, 1100)).toBeCloseTo(1000, 0);
    const reference = sine(1000, 2, to);
    // Aligned: no lag search; edges excluded (filter start-up).
    const edge = Math.round(to * 0.01);
    expect(snrDb(reference.subarray(edge, -edge), output.subarray(edge, -edge))).toBeGreaterThan(60);
  });

  it('removes what the lower rate cannot carry (a 10 kHz tone at 48 → 16 kHz)', async () => {
    const output = await resample(sine(10_000, 1, 48_000), 48_000, 16_000, 4800);
    expect(rms(output.subarray(800, -800))).toBeLessThan(20);
  });

  it('gives the same samples whatever the chunking', async () => {
    const input = sine(440, 1, 24_000);
    const whole = await resample(input, 24_000, 8000, input.length);
    const tiny = await resample(input, 24_000, 8000, 7);
    expect(tiny).toEqual(whole);
  });

  it('passes equal rates through and rejects nonsense rates', async () => {
    const input = sine(440, 0.1, 24_000);
    const resampler = await Resampler.create(24_000, 24_000);
    expect(resampler.process(input)).toBe(input);
    expect(resampler.flush().length).toBe(0);
    await expect(Resampler.create(0, 24_000)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(Resampler.create(24_000, 1e9)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses process after flush', async () => {
    const resampler = await Resampler.create(48_000, 24_000);
    resampler.flush();
    expect(() => resampler.process(new Int16Array(10))).toThrow('after flush');
  });
});
