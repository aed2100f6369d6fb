import type { TurnDetector, TurnDetectorSettings } from './turn-detector';

export type VadEvent =
  | { type: 'speech_started'; audioStartMs: number }
  | {
      type: 'speech_stopped';
      audioEndMs: number;
      /** Session sample at which the stop was decided. */ atSample: number;
    };

const FRAME_MS = 20;
/** Consecutive loud frames before speech counts as started: a click or a cough is shorter. */
const START_FRAMES = 3;

/**
 * An energy-based voice activity detector with OpenAI's server VAD settings. The signal is cut into
 * 20 ms frames; a frame is voiced when its RMS level exceeds `threshold` mapped onto -60…-20 dBFS
 * (0.5 → -40 dBFS: quiet speech passes, room noise does not; higher is less sensitive, as in OpenAI's).
 * Speech starts after 60 ms of voiced frames; `audio_start_ms` is the first voiced frame minus
 * `prefix_padding_ms` (never before 0). Speech stops after `silence_duration_ms` of unvoiced frames;
 * `audio_end_ms` is the end of the last voiced frame. Times are on the session's audio clock.
 *
 * Cheap (one pass, no allocation per frame) and deterministic; it cannot tell speech from loud noise,
 * which the model-based detector does (`ModelVadDetector`, Silero; `realtime.vad.engine`). The detector is fed
 * every appended sample in order.
 */
export class ServerVadDetector implements TurnDetector {
  private readonly frameSamples: number;
  private readonly level: number;
  private frameSum = 0;
  private frameCount = 0;
  /** Index of the frame being filled, on the session clock. */
  private frameIndex: number;
  private speaking = false;
  private voicedRun = 0;
  private firstVoicedFrame = 0;
  private lastVoicedFrameEnd = 0;
  private silentMs = 0;

  constructor(
    private readonly settings: TurnDetectorSettings,
    private readonly sampleRate: number,
    startSample = 0,
  ) {
    this.frameSamples = Math.round((sampleRate * FRAME_MS) / 1000);
    this.level = 32768 * 10 ** ((-60 + 40 * settings.threshold) / 20);
    this.frameIndex = Math.floor(startSample / this.frameSamples);
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds samples; returns the transitions they caused, in order. */
  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i] ?? 0;
      this.frameSum += sample * sample;
      if (++this.frameCount === this.frameSamples) this.endFrame(events);
    }
    return events;
  }

  /** Forgets a speech in progress (after a manual commit or clear); the clock keeps running. */
  reset(): void {
    this.speaking = false;
    this.voicedRun = 0;
    this.silentMs = 0;
  }

  dispose(): void {
    // Holds nothing but counters.
  }

  private endFrame(events: VadEvent[]): void {
    const rms = Math.sqrt(this.frameSum / this.frameCount);
    const voiced = rms >= this.level;
    const frame = this.frameIndex;
    this.frameSum = 0;
    this.frameCount = 0;
    this.frameIndex++;
    if (voiced) {
      if (this.voicedRun === 0) this.firstVoicedFrame = frame;
      this.voicedRun++;
      this.silentMs = 0;
      this.lastVoicedFrameEnd = (frame + 1) * FRAME_MS;
      if (!this.speaking && this.voicedRun >= START_FRAMES) {
        this.speaking = true;
        events.push({
          type: 'speech_started',
          audioStartMs: Math.max(0, this.firstVoicedFrame * FRAME_MS - this.settings.prefix_padding_ms),
        });
      }
      return;
    }
    this.voicedRun = 0;
    if (!this.speaking) return;
    this.silentMs += FRAME_MS;
    if (this.silentMs >= this.settings.silence_duration_ms) {
      this.speaking = false;
      this.silentMs = 0;
      events.push({
        type: 'speech_stopped',
        audioEndMs: this.lastVoicedFrameEnd,
        atSample: this.frameIndex * this.frameSamples,
      });
    }
  }
}
