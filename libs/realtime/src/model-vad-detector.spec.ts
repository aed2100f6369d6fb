import { decodeG711, encodeG711 } from '@voxgate/audio';
import { SileroWindowPool } from '@voxgate/local-voice';
import { speechPcm16, whiteNoise } from '@voxgate/testing';
import { ModelVadDetector } from './model-vad-detector';
import { ServerVadDetector, type VadEvent } from './server-vad';

const RATE = 24_000;
const SETTINGS = { threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };

function concat(parts: readonly Int16Array[]): Int16Array {
  const output = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}

function speech(): Int16Array {
  const bytes = speechPcm16();
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

/** Feeds `samples` in 100 ms appends, as a client streams them. */
function feed(detector: { push(samples: Int16Array): VadEvent[] }, samples: Int16Array, rate = RATE): VadEvent[] {
  const events: VadEvent[] = [];
  const step = rate / 10;
  for (let offset = 0; offset < samples.length; offset += step)
    events.push(...detector.push(samples.slice(offset, offset + step)));
  return events;
}

describe('realtime turn detection with Silero (ModelVadDetector over SileroWindowPool)', () => {
  let pool: SileroWindowPool;
  beforeAll(() => {
    pool = SileroWindowPool.load({ maxIdle: 1 });
  });

  it('a loud noise burst fools the energy detector, not Silero', () => {
    // Quiet room, 2 s of white noise at -12 dBFS (a fan, a passing truck), quiet room: the STT VAD's fixture, at 24 kHz.
    const audio = concat([whiteNoise(1, -60, 1, RATE), whiteNoise(2, -12, 2, RATE), whiteNoise(1, -60, 3, RATE)]);
    expect(feed(new ServerVadDetector(SETTINGS, RATE), audio).map((event) => event.type)).toContain('speech_started');
    const silero = new ModelVadDetector(SETTINGS, RATE, 0, pool);
    expect(feed(silero, audio)).toEqual([]);
    silero.dispose();
  });

  it('finds a real speech clip between silences: start and end near the clip, the stop within the audio', () => {
    const clip = speech(); // 1.78 s; its last word ends at about 1.67 s
    const audio = concat([new Int16Array(0.6 * RATE), clip, new Int16Array(1 * RATE)]);
    const detector = new ModelVadDetector(SETTINGS, RATE, 0, pool);
    const events = feed(detector, audio);
    expect(events.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
    const [started, stopped] = events as [
      Extract<VadEvent, { type: 'speech_started' }>,
      Extract<VadEvent, { type: 'speech_stopped' }>,
    ];
    expect(Math.abs(started.audioStartMs - (600 - 300))).toBeLessThanOrEqual(100);
    expect(Math.abs(stopped.audioEndMs - (600 + 1670))).toBeLessThanOrEqual(150);
    // The turn ends once silence_duration_ms of silence followed, and never past the audio appended.
    expect(stopped.atSample / RATE).toBeGreaterThanOrEqual((stopped.audioEndMs + 500) / 1000 - 0.001);
    expect(stopped.atSample).toBeLessThanOrEqual(audio.length);
    detector.dispose();
  });

  it('dates events on the session clock when created mid-session, and honours silence_duration_ms', () => {
    const clip = speech();
    const audio = concat([
      new Int16Array(0.5 * RATE),
      clip,
      new Int16Array(0.4 * RATE),
      clip,
      new Int16Array(1.5 * RATE),
    ]);
    const start = 10 * RATE; // 10 s of audio came before this detector (a session.update)
    const patient = feed(new ModelVadDetector({ ...SETTINGS, silence_duration_ms: 1000 }, RATE, start, pool), audio);
    expect(patient.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
    expect((patient[0] as { audioStartMs: number }).audioStartMs).toBeGreaterThan(10_000);
    const eager = feed(new ModelVadDetector({ ...SETTINGS, silence_duration_ms: 200 }, RATE, start, pool), audio);
    expect(eager.map((event) => event.type)).toEqual([
      'speech_started',
      'speech_stopped',
      'speech_started',
      'speech_stopped',
    ]);
  });

  it('hears G.711 (8 kHz telephony) speech too', () => {
    const clip = speech();
    // 24 kHz → 8 kHz by taking every third sample of a clip band-limited enough for a VAD, then µ-law round trip.
    const narrow = Int16Array.from({ length: Math.floor(clip.length / 3) }, (_, index) => clip[index * 3] ?? 0);
    const samples = decodeG711(encodeG711(narrow, 'ulaw'), 'ulaw');
    const audio = concat([new Int16Array(0.6 * 8000), samples, new Int16Array(8000)]);
    const events = feed(new ModelVadDetector(SETTINGS, 8000, 0, pool), audio, 8000);
    expect(events.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
  });

  it('judges by level, as the energy detector, while no model is free (the pool at its bound)', () => {
    const full = { windowSamples: 512, lease: () => null };
    const audio = concat([whiteNoise(1, -60, 1, RATE), whiteNoise(2, -12, 2, RATE), whiteNoise(1, -60, 3, RATE)]);
    const energy = feed(new ServerVadDetector(SETTINGS, RATE), audio).map((event) => event.type);
    expect(energy).toEqual(['speech_started', 'speech_stopped']);
    expect(feed(new ModelVadDetector(SETTINGS, RATE, 0, full), audio).map((event) => event.type)).toEqual(energy);
  });

  it('leases a model only while the audio is loud, and gives it back after a quiet second', () => {
    const detector = new ModelVadDetector(SETTINGS, RATE, 0, pool);
    feed(detector, new Int16Array(2 * RATE));
    expect(detector.holdsModel).toBe(false); // digital silence never reaches the model
    const before = pool.stats.leased;
    feed(detector, speech());
    expect(detector.holdsModel).toBe(true);
    expect(pool.stats.leased).toBe(before + 1);
    feed(detector, new Int16Array(1.6 * RATE));
    expect(detector.inSpeech).toBe(false);
    expect(detector.holdsModel).toBe(false);
    expect(pool.stats.leased).toBe(before);
  });
});
