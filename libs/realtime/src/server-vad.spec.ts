import { speechPcm16 } from '@voxgate/testing';
import { ServerVadDetector, type VadEvent } from './server-vad';
import { DEFAULT_SERVER_VAD } from './session-config';

const RATE = 24_000;
/** Where the fixture's speech ends, measured with `ffmpeg -af silencedetect=n=-40dB` (silence from 1.670 s). */
const SPEECH_END_S = 1.67;

function speech(): Int16Array {
  const bytes = speechPcm16();
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

function silence(ms: number): Int16Array {
  return new Int16Array((RATE * ms) / 1000);
}

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Feeds `signal` in 100 ms appends, as a client streaming the microphone would. */
function run(detector: ServerVadDetector, signal: Int16Array): VadEvent[] {
  const events: VadEvent[] = [];
  for (let at = 0; at < signal.length; at += RATE / 10)
    events.push(...detector.push(signal.subarray(at, at + RATE / 10)));
  return events;
}

describe('ServerVadDetector on real speech', () => {
  it('finds one utterance between silences, start including prefix_padding_ms, end at the last voiced frame', () => {
    const detector = new ServerVadDetector(
      { ...DEFAULT_SERVER_VAD, prefix_padding_ms: 300, silence_duration_ms: 500 },
      RATE,
    );
    const events = run(detector, concat(silence(600), speech(), silence(1000)));
    expect(events.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
    const [started, stopped] = events as [
      Extract<VadEvent, { type: 'speech_started' }>,
      Extract<VadEvent, { type: 'speech_stopped' }>,
    ];
    expect(Math.abs(started.audioStartMs - (600 - 300))).toBeLessThanOrEqual(60);
    expect(Math.abs(stopped.audioEndMs - (600 + SPEECH_END_S * 1000))).toBeLessThanOrEqual(100);
  });

  it('finds two utterances separated by a pause longer than silence_duration_ms, and one when shorter', () => {
    const twoTurns = concat(silence(300), speech(), silence(900), speech(), silence(900));
    const apart = run(new ServerVadDetector({ ...DEFAULT_SERVER_VAD, silence_duration_ms: 500 }, RATE), twoTurns);
    expect(apart.map((event) => event.type)).toEqual([
      'speech_started',
      'speech_stopped',
      'speech_started',
      'speech_stopped',
    ]);
    const secondStart = (apart[2] as Extract<VadEvent, { type: 'speech_started' }>).audioStartMs;
    const expected = 300 + speech().length / 24 + 900 - DEFAULT_SERVER_VAD.prefix_padding_ms;
    expect(Math.abs(secondStart - expected)).toBeLessThanOrEqual(60);

    const together = run(new ServerVadDetector({ ...DEFAULT_SERVER_VAD, silence_duration_ms: 1200 }, RATE), twoTurns);
    expect(together.map((event) => event.type)).toEqual(['speech_started']);
  });

  it('stays quiet on silence and on low room noise (-55 dBFS), and a higher threshold ignores quiet speech', () => {
    const noise = new Int16Array(RATE * 2).map(() =>
      Math.round((Math.random() - 0.5) * 2 * 32768 * 10 ** (-55 / 20) * Math.sqrt(3)),
    );
    expect(run(new ServerVadDetector(DEFAULT_SERVER_VAD, RATE), concat(silence(1000), noise))).toEqual([]);
    const quiet = speech().map((sample) => Math.round(sample / 30)); // about -30 dB
    const sensitive = run(
      new ServerVadDetector({ ...DEFAULT_SERVER_VAD, threshold: 0.3 }, RATE),
      concat(quiet, silence(800)),
    );
    const deaf = run(
      new ServerVadDetector({ ...DEFAULT_SERVER_VAD, threshold: 0.9 }, RATE),
      concat(quiet, silence(800)),
    );
    expect(sensitive.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
    expect(deaf).toEqual([]);
  });

  it('reports times on the session clock when it starts mid-session', () => {
    const detector = new ServerVadDetector({ ...DEFAULT_SERVER_VAD, prefix_padding_ms: 0 }, RATE, RATE * 10);
    const [started] = run(detector, concat(silence(200), speech()));
    expect(started).toEqual({ type: 'speech_started', audioStartMs: expect.any(Number) });
    expect(
      Math.abs((started as Extract<VadEvent, { type: 'speech_started' }>).audioStartMs - 10_200),
    ).toBeLessThanOrEqual(40);
  });
});
