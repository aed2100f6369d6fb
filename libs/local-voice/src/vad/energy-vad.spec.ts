import { detectSpeech } from './energy-vad';
import { utteranceWindows } from './utterance-windows';

const RATE = 16_000;

/** Noise at −60 dBFS with 300 Hz tone bursts at −12 dBFS over the given [start, end) seconds. */
function bursts(seconds: number, spans: ReadonlyArray<[number, number]>): Int16Array {
  const samples = new Int16Array(seconds * RATE);
  let seed = 7;
  for (let index = 0; index < samples.length; index++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const t = index / RATE;
    const tone = spans.some(([start, end]) => t >= start && t < end) ? 8_000 * Math.sin(2 * Math.PI * 300 * t) : 0;
    samples[index] = Math.round(tone + ((seed / 0x7fffffff) * 2 - 1) * 33);
  }
  return samples;
}

describe('detectSpeech (energy VAD)', () => {
  it('finds each burst separated by a long pause, padded, never overlapping', () => {
    const segments = detectSpeech(
      bursts(6, [
        [0.5, 1.5],
        [3, 4.2],
      ]),
      RATE,
    );
    expect(segments).toHaveLength(2);
    expect(segments[0]!.start).toBeCloseTo(0.3, 1);
    expect(segments[0]!.end).toBeCloseTo(1.7, 1);
    expect(segments[1]!.start).toBeCloseTo(2.8, 1);
    expect(segments[1]!.end).toBeCloseTo(4.4, 1);
  });

  it('joins bursts across pauses shorter than minSilenceSeconds and drops clicks', () => {
    const audio = bursts(4, [
      [0.5, 1],
      [1.3, 2],
      [3, 3.05],
    ]);
    expect(detectSpeech(audio, RATE)).toEqual([{ start: 0.3, end: 2.2 }]);
    expect(detectSpeech(audio, RATE, { minSilenceSeconds: 0.2 })).toHaveLength(2);
  });

  it('splits a segment longer than maxSegmentSeconds, and finds nothing in silence', () => {
    const long = detectSpeech(bursts(12, [[1, 11]]), RATE, { maxSegmentSeconds: 4, paddingSeconds: 0 });
    expect(long.length).toBeGreaterThanOrEqual(3);
    expect(long.every((segment) => segment.end - segment.start <= 4.001)).toBe(true);
    expect(long.slice(1).every((segment, index) => segment.start === long[index]!.end)).toBe(true);
    expect(long[0]!.start).toBe(1);
    expect(long.at(-1)!.end).toBe(11);
    expect(detectSpeech(new Int16Array(RATE * 2), RATE)).toEqual([]);
  });
});

describe('utteranceWindows', () => {
  it('groups consecutive segments up to maxSeconds, keeping each segment', () => {
    const segments = [
      { start: 0, end: 3 },
      { start: 4, end: 8 },
      { start: 9, end: 14 },
      { start: 15, end: 40 },
    ];
    expect(utteranceWindows(segments, 10)).toEqual([
      { start: 0, end: 8, segments: segments.slice(0, 2) },
      { start: 9, end: 14, segments: segments.slice(2, 3) },
      { start: 15, end: 40, segments: segments.slice(3) },
    ]);
    expect(utteranceWindows(segments, 0)).toHaveLength(4);
    expect(utteranceWindows([], 10)).toEqual([]);
  });
});
