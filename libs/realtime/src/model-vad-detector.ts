import { LinearResampler } from './linear-resampler';
import type { VadEvent } from './server-vad';
import type { TurnDetector, TurnDetectorSettings } from './turn-detector';

/** One speech model (Silero VAD) lent to one session's detector; stateful across the windows it is fed. */
export interface SpeechWindowModel {
  /**
   * Scores the next window of 16 kHz audio (`windowSamples` floats in [-1, 1], consecutive windows of one
   * stream): true while the model hears speech at the lease's threshold. Must not throw.
   */
  isSpeech(window: Float32Array): boolean;
  /** Gives the model back to its pool; its state is reset before the next lease. */
  release(): void;
}

/**
 * Where detectors borrow a model (one pool per process, `SileroWindowPool` of `@voxgate/local-voice`):
 * a model holds megabytes, so a session holds one only while its audio is loud enough to be speech.
 */
export interface SpeechModelSource {
  /** Samples per window at 16 kHz (Silero: 512, i.e. 32 ms). */
  readonly windowSamples: number;
  /**
   * A model with its state reset, scoring windows as speech at `threshold` (speech probability, 0–1);
   * null when none is free (the pool is at its bound): the detector judges by level meanwhile.
   */
  lease(threshold: number): SpeechWindowModel | null;
}

const MODEL_RATE = 16_000;
/** Windows quieter than this (RMS, dBFS) are silence without asking the model: room tone, digital silence. */
const GATE_DBFS = -55;
/** A session that has not been speaking gives its model back after this much audio below the gate. */
const RELEASE_AFTER_MS = 1_000;
/** How far before the model's trigger a speech start may be dated (the model needs 250–300 ms to be sure). */
const MAX_ONSET_MS = 500;

/**
 * Server VAD with a speech model (Silero) in place of the energy detector: it tells speech from loud noise
 * (a fan, a passing truck, music) that an energy threshold takes for speech. The session's audio (24 kHz
 * PCM or 8 kHz G.711) is resampled to 16 kHz and cut into the model's 32 ms windows. A window is speech
 * when it is above the gate (-55 dBFS) and the model calls it speech at `threshold` (its speech
 * probability, 0.5 by default; OpenAI's server VAD threshold means the same). The gate matters at the
 * end of a turn: the model's verdict lags the audio by a few hundred ms, silence does not.
 *
 * Speech starts when the model first calls a window speech; as the model needs 250–300 ms to be sure,
 * `audio_start_ms` is the start of the run of loud windows it confirmed (at most 500 ms earlier) minus
 * `prefix_padding_ms`. It stops after `silence_duration_ms` of windows that are not speech;
 * `audio_end_ms` is the end of the last speech window.
 *
 * Cost: a window takes the model about 0.1–0.3 ms of CPU on this thread (3 windows per 100 ms append),
 * and only windows above -55 dBFS (or inside a speech turn) reach it. The model is leased on the first
 * such window (warmed up with the window before it) and returned after 1 s below the gate outside a
 * turn, so idle and silent sessions hold none.
 */
export class ModelVadDetector implements TurnDetector {
  private readonly resampler: LinearResampler;
  private readonly windowMs: number;
  private readonly gateEnergy: number;
  /** The energy detector's level for `threshold` (-60…-20 dBFS), used while no model is free. */
  private readonly fallbackEnergy: number;
  private window: Float32Array;
  private previous: Float32Array;
  private hasPrevious = false;
  private fill = 0;
  private energy = 0;
  private windowIndex = 0;
  /** Session-clock ms of the first sample this detector was fed. */
  private readonly offsetMs: number;
  private sessionSamples: number;
  private model: SpeechWindowModel | null = null;
  private speaking = false;
  private silentMs = 0;
  private quietMs = 0;
  private lastVoicedEndMs = 0;
  /** Index of the first window of the current run of loud windows. */
  private loudSince = 0;

  constructor(
    private readonly settings: TurnDetectorSettings,
    private readonly sampleRate: number,
    startSample: number,
    private readonly source: SpeechModelSource,
  ) {
    this.resampler = new LinearResampler(sampleRate, MODEL_RATE);
    this.windowMs = (source.windowSamples * 1000) / MODEL_RATE;
    this.gateEnergy = source.windowSamples * 10 ** (GATE_DBFS / 10);
    this.fallbackEnergy = source.windowSamples * 10 ** ((-60 + 40 * settings.threshold) / 10);
    this.window = new Float32Array(source.windowSamples);
    this.previous = new Float32Array(source.windowSamples);
    this.offsetMs = (startSample * 1000) / sampleRate;
    this.sessionSamples = startSample;
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** True while this detector holds a model (tests and metrics). */
  get holdsModel(): boolean {
    return this.model !== null;
  }

  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    this.sessionSamples += samples.length;
    const resampled = this.resampler.process(samples);
    for (let i = 0; i < resampled.length; i++) {
      const value = resampled[i] ?? 0;
      this.window[this.fill++] = value;
      this.energy += value * value;
      if (this.fill === this.window.length) this.endWindow(events);
    }
    return events;
  }

  reset(): void {
    this.speaking = false;
    this.silentMs = 0;
  }

  dispose(): void {
    this.model?.release();
    this.model = null;
  }

  private endWindow(events: VadEvent[]): void {
    const index = this.windowIndex++;
    const loud = this.energy >= this.gateEnergy;
    this.fill = 0;
    let voiced = false;
    if (loud || this.model) {
      if (!this.model) {
        this.model = this.source.lease(this.settings.threshold);
        if (this.model && this.hasPrevious) this.model.isSpeech(this.previous);
      }
      // The model sees every window while leased (its state follows the stream), but only a loud one counts.
      // No model free (the pool is at its bound): judged by level, as the energy detector would.
      voiced = this.model ? this.model.isSpeech(this.window) && loud : this.energy >= this.fallbackEnergy;
    }
    if (loud && this.quietMs > 0) this.loudSince = index;
    this.energy = 0;
    this.quietMs = loud ? 0 : this.quietMs + this.windowMs;
    [this.previous, this.window] = [this.window, this.previous];
    this.hasPrevious = true;

    if (voiced) {
      this.silentMs = 0;
      this.lastVoicedEndMs = this.offsetMs + (index + 1) * this.windowMs;
      if (!this.speaking) {
        this.speaking = true;
        const onset = Math.max(this.loudSince, index - Math.round(MAX_ONSET_MS / this.windowMs));
        const startMs = this.offsetMs + onset * this.windowMs;
        events.push({
          type: 'speech_started',
          audioStartMs: Math.max(0, Math.round(startMs - this.settings.prefix_padding_ms)),
        });
      }
    } else if (this.speaking) {
      this.silentMs += this.windowMs;
      if (this.silentMs >= this.settings.silence_duration_ms) {
        this.speaking = false;
        this.silentMs = 0;
        const atMs = this.offsetMs + (index + 1) * this.windowMs;
        events.push({
          type: 'speech_stopped',
          audioEndMs: Math.round(this.lastVoicedEndMs),
          atSample: Math.min(this.sessionSamples, Math.round((atMs * this.sampleRate) / 1000)),
        });
      }
    }
    if (!this.speaking && this.model && this.quietMs >= RELEASE_AFTER_MS) {
      this.model.release();
      this.model = null;
    }
  }
}
