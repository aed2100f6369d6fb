import { whiteNoise } from '@voxgate/testing';
import { speechClipPcm } from '../__fixtures__/engine-test-tools';
import { LocalVoiceError } from '../local-voice.error';
import { SileroWindowPool } from './silero-window-pool';

/** Silero's verdict on each consecutive 32 ms window of 16 kHz audio. */
function verdicts(pool: SileroWindowPool, samples: Int16Array): boolean[] {
  const model = pool.lease(0.5)!;
  const window = new Float32Array(pool.windowSamples);
  const out: boolean[] = [];
  for (let offset = 0; offset + window.length <= samples.length; offset += window.length) {
    for (let index = 0; index < window.length; index++) window[index] = (samples[offset + index] ?? 0) / 32768;
    out.push(model.isSpeech(window));
  }
  model.release();
  return out;
}

describe('SileroWindowPool (live Silero for the realtime server VAD)', () => {
  let pool: SileroWindowPool;
  beforeAll(() => {
    pool = SileroWindowPool.load();
  });

  it('hears speech in a real clip, window by window, and none in loud white noise', () => {
    const jfk = speechClipPcm('jfk.wav').samples; // 16 kHz, speech from ~0.3 s
    const heard = verdicts(pool, jfk);
    expect(heard.filter(Boolean).length / heard.length).toBeGreaterThan(0.6);
    expect(heard.slice(0, 5).some(Boolean)).toBe(false); // the first 160 ms are silence
    expect(verdicts(pool, whiteNoise(2, -12, 2)).some(Boolean)).toBe(false);
  });

  it('keeps returned detectors, reset, for the next lease: churn creates none', () => {
    const before = pool.stats;
    for (let round = 0; round < 20; round++) {
      const models = [pool.lease(0.5)!, pool.lease(0.5)!];
      expect(pool.stats.leased).toBe(before.leased + 2);
      for (const model of models) model.release();
    }
    // At most the two leased at once were ever created, beyond what was idle before.
    expect(pool.stats.created - before.created).toBeLessThanOrEqual(Math.max(0, 2 - before.idle));
    expect(pool.stats.idle).toBe(Math.max(before.idle, 2));
    expect(pool.stats.leased).toBe(before.leased);
    // A second release is a no-op, not a double return.
    const model = pool.lease(0.5)!;
    model.release();
    model.release();
    expect(pool.stats.leased).toBe(before.leased);
  });

  it('holds at most maxDetectors: lease is null when all are out, and an idle one of another threshold is recycled', () => {
    const bounded = SileroWindowPool.load({ maxDetectors: 2 }); // its load check leaves one idle at 0.5
    const first = bounded.lease(0.5)!;
    const second = bounded.lease(0.7)!;
    expect(bounded.lease(0.5)).toBeNull();
    expect(bounded.stats).toMatchObject({ leased: 2, created: 2 });
    first.release();
    // Full, but the idle 0.5 detector is replaced by a 0.7 one.
    const third = bounded.lease(0.7)!;
    expect(third).not.toBeNull();
    expect(bounded.stats).toMatchObject({ leased: 2, idle: 0, created: 2 });
    second.release();
    third.release();
  });

  it('names the missing model file in a typed error', () => {
    expect(() => SileroWindowPool.load({ model: '/nonexistent/silero_vad.onnx' })).toThrow(LocalVoiceError);
  });
});
