import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { whiteNoise } from '@voxgate/testing';
import { speechClipPcm } from '../__fixtures__/engine-test-tools';
import { LocalVoiceError } from '../local-voice.error';
import { detectSpeech } from './energy-vad';
import { DEFAULT_SILERO_MODEL, SileroVad } from './silero-vad';

const RATE = 16_000;

function concat(parts: readonly Int16Array[]): Int16Array {
  const output = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}

describe('SileroVad (sherpa-onnx-node, vendored silero_vad.onnx)', () => {
  let vad: SileroVad;
  beforeAll(() => {
    vad = SileroVad.load();
  });

  it('uses the vendored model byte for byte', () => {
    const sha = createHash('sha256').update(readFileSync(DEFAULT_SILERO_MODEL)).digest('hex');
    expect(sha).toBe('1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3');
  });

  it('finds the speech of real clips separated by silence, with boundaries near the known ones', () => {
    const jfk = speechClipPcm('jfk.wav');
    expect(jfk.sampleRate).toBe(RATE);
    const clipSeconds = jfk.samples.length / RATE; // 11.0 s; speech from ~0.3 s to ~10.9 s
    const audio = concat([jfk.samples, new Int16Array(2 * RATE), jfk.samples]);
    const segments = vad.detect(audio, RATE);
    const gapStart = clipSeconds;
    const gapEnd = clipSeconds + 2;
    expect(segments.length).toBeGreaterThanOrEqual(2);
    // jfk.wav's first word starts at ~0.3 s: padded by 0.2 s, the first segment starts before 0.2 s.
    expect(segments[0]!.start).toBeLessThan(0.2);
    expect(segments.at(-1)!.end).toBeGreaterThan(gapEnd + 10);
    // One cut ends inside the inserted silence and the next begins inside it.
    const cut = segments.findIndex(
      (segment, index) => segment.end <= gapEnd && (segments[index + 1]?.start ?? 0) >= gapStart,
    );
    expect(cut).toBeGreaterThanOrEqual(0);
    expect(segments[cut]!.end).toBeGreaterThan(gapStart - 0.5);
    expect(segments[cut + 1]!.start).toBeLessThan(gapEnd + 0.6);
    // No segment lies wholly inside the silence; all are ordered and within the audio.
    for (const [index, segment] of segments.entries()) {
      expect(segment.start >= gapStart && segment.end <= gapEnd).toBe(false);
      expect(segment.end).toBeGreaterThan(segment.start);
      expect(segment.end).toBeLessThanOrEqual(audio.length / RATE);
      if (index > 0) expect(segment.start).toBeGreaterThanOrEqual(segments[index - 1]!.end);
    }
  });

  it('cuts a clip at its own pauses, near where the energy detector cuts it', () => {
    // jfk.wav pauses at ~2.4–3.0 s ("…Americans, | ask not…") and ~4.5–5.1 s ("…for you, | ask what…").
    const { samples } = speechClipPcm('jfk.wav');
    const segments = vad.detect(samples, RATE);
    expect(segments.length).toBeGreaterThanOrEqual(3);
    const energy = detectSpeech(samples, RATE);
    for (const pause of [2.7, 4.8]) {
      expect(
        segments.some((segment, index) => segment.end <= pause && (segments[index + 1]?.start ?? 0) >= pause),
      ).toBe(true);
      expect(energy.some((segment, index) => segment.end <= pause && (energy[index + 1]?.start ?? 0) >= pause)).toBe(
        true,
      );
    }
  });

  it('finds no speech in digital silence', () => {
    expect(vad.detect(new Int16Array(3 * RATE), RATE)).toEqual([]);
  });

  it('finds no speech in loud white noise, where the energy detector reports speech', () => {
    // Quiet room, a 2 s burst of white noise at −12 dBFS, quiet room.
    const audio = concat([whiteNoise(1, -60, 1), whiteNoise(2, -12, 2), whiteNoise(1, -60, 3)]);
    const energy = detectSpeech(audio, RATE);
    expect(energy.length).toBeGreaterThan(0); // the reason Silero is worth having
    expect(vad.detect(audio, RATE)).toEqual([]);
  });

  it('still finds speech under moderate noise', () => {
    const jfk = speechClipPcm('jfk.wav').samples;
    const noise = whiteNoise(jfk.length / RATE, -40);
    const noisy = jfk.map((sample, index) => Math.max(-32768, Math.min(32767, sample + (noise[index] ?? 0))));
    const segments = vad.detect(noisy, RATE);
    const speech = segments.reduce((sum, segment) => sum + segment.end - segment.start, 0);
    expect(speech).toBeGreaterThan(8);
  });

  it('rejects a rate Silero does not take, and a missing model, with typed errors', () => {
    expect(() => vad.detect(new Int16Array(100), 22_050)).toThrow(LocalVoiceError);
    let code: string | undefined;
    try {
      SileroVad.load('/nonexistent/silero_vad.onnx');
    } catch (error) {
      code = error instanceof LocalVoiceError ? error.code : String(error);
    }
    expect(code).toBe('engine_unavailable');
  });
});
