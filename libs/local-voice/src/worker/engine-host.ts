import { LocalVoiceError } from '../local-voice.error';
import { EspeakEngine } from '../native/espeak.binding';
import { FliteEngine } from '../native/flite.binding';
import { POCKETSPHINX_SAMPLE_RATE, PocketsphinxEngine } from '../native/pocketsphinx.binding';
import { detectSpeech, type VadOptions, type VadSegment } from '../vad/energy-vad';
import { SileroVad } from '../vad/silero-vad';
import { utteranceWindows } from '../vad/utterance-windows';
import type { FliteVoice } from '../voices';
import type {
  EngineAvailability,
  EngineJob,
  EngineJobResults,
  EngineWorkerConfig,
  ProbeJobResult,
  SegmentWire,
  SynthesizeJobResult,
} from './engine.protocol';

type Loaded<T> = { engine: T } | { error: LocalVoiceError };

/**
 * The engines of one worker thread, each loaded on first use and kept for the thread's lifetime (a load
 * failure is kept too, so a missing library fails every call fast with the same typed error).
 */
export class EngineHost {
  private flite: Loaded<FliteEngine> | undefined;
  private espeak: Loaded<EspeakEngine> | undefined;
  private pocketsphinx: Loaded<PocketsphinxEngine> | undefined;
  private silero: Loaded<SileroVad> | undefined;

  constructor(private readonly config: EngineWorkerConfig) {}

  /** Runs one job synchronously; `progress` receives each STT segment as soon as it is decoded. */
  run(job: EngineJob, progress: (segment: SegmentWire) => void): EngineJobResults[EngineJob['kind']] {
    switch (job.kind) {
      case 'synthesize':
        return this.synthesize(job);
      case 'transcribe':
        return { segments: this.transcribe(job.samples, job, progress) };
      case 'probe':
        return this.probe(job.fliteVoices, job.espeakVoices);
    }
  }

  private synthesize(job: Extract<EngineJob, { kind: 'synthesize' }>): SynthesizeJobResult {
    if (job.voice.engine === 'flite') {
      const pcm = this.fliteEngine().synthesize(job.text, job.voice.voice, job.speed);
      return { ...pcm, appliedSpeed: job.speed };
    }
    return this.espeakEngine().synthesize(job.text, job.voice.voice, job.speed);
  }

  private transcribe(
    samples: Int16Array,
    job: Extract<EngineJob, { kind: 'transcribe' }>,
    progress: (segment: SegmentWire) => void,
  ): SegmentWire[] {
    const decoder = this.pocketsphinxEngine();
    const rate = POCKETSPHINX_SAMPLE_RATE;
    const cuts = this.detect(samples, rate, job.vad);
    const transcript: SegmentWire[] = [];
    for (const window of utteranceWindows(cuts, job.vad.maxUtteranceSeconds ?? 20)) {
      const { words } = decoder.decode(
        samples.subarray(Math.round(window.start * rate), Math.round(window.end * rate)),
      );
      const timed = words.map((word) => ({
        word: word.word,
        start: round(window.start + word.start),
        end: round(window.start + word.end),
      }));
      for (const [index, cut] of window.segments.entries()) {
        // A word belongs to the cut its midpoint falls in (the last cut takes anything beyond).
        const next = window.segments[index + 1];
        const mine = timed.filter((word) => {
          const middle = (word.start + word.end) / 2;
          return (index === 0 || middle >= cut.start) && (next === undefined || middle < next.start);
        });
        if (mine.length === 0) continue;
        const segment: SegmentWire = {
          start: cut.start,
          end: cut.end,
          text: mine.map((word) => word.word).join(' '),
          words: mine.map((word) => ({
            ...word,
            start: Math.max(word.start, cut.start),
            end: Math.min(word.end, cut.end),
          })),
        };
        transcript.push(segment);
        progress(segment);
      }
    }
    return transcript;
  }

  /** Silero unless the options ask for energy; energy too when Silero cannot load (probe reports why). */
  private detect(samples: Int16Array, rate: number, options: VadOptions): VadSegment[] {
    if ((options.engine ?? 'silero') === 'silero') {
      this.silero ??= attempt(() => SileroVad.load(this.config.sileroModel));
      if ('engine' in this.silero) return this.silero.engine.detect(samples, rate, options);
    }
    return detectSpeech(samples, rate, options);
  }

  private probe(fliteVoices: readonly FliteVoice[], espeakVoices: readonly string[]): ProbeJobResult {
    const flite = this.availability(
      () => this.fliteEngine(),
      (engine) => fliteVoices.filter((voice) => engine.hasVoice(voice)),
    );
    const espeak = this.availability(
      () => this.espeakEngine(),
      (engine) => espeakVoices.filter((voice) => engine.hasVoice(voice)),
    );
    const pocketsphinx = this.availability(
      () => this.pocketsphinxEngine(),
      () => [],
    );
    const silero = this.availability(
      () => unwrap((this.silero ??= attempt(() => SileroVad.load(this.config.sileroModel)))),
      () => [],
    );
    return { flite, espeak, pocketsphinx, silero };
  }

  private availability<T, V extends string>(load: () => T, voices: (engine: T) => V[]): EngineAvailability<V> {
    try {
      return { available: true, voices: voices(load()) };
    } catch (error) {
      return { available: false, reason: LocalVoiceError.from(error).message, voices: [] };
    }
  }

  private fliteEngine(): FliteEngine {
    this.flite ??= attempt(() =>
      FliteEngine.load({ flite: this.config.libraries.flite, voicePattern: this.config.libraries.fliteVoice }),
    );
    return unwrap(this.flite);
  }

  private espeakEngine(): EspeakEngine {
    this.espeak ??= attempt(() => EspeakEngine.load(this.config.libraries.espeak));
    return unwrap(this.espeak);
  }

  private pocketsphinxEngine(): PocketsphinxEngine {
    this.pocketsphinx ??= attempt(() =>
      PocketsphinxEngine.load(this.config.libraries, this.config.pocketsphinxModelDir),
    );
    return unwrap(this.pocketsphinx);
  }
}

function attempt<T>(load: () => T): Loaded<T> {
  try {
    return { engine: load() };
  } catch (error) {
    return { error: LocalVoiceError.from(error) };
  }
}

function unwrap<T>(loaded: Loaded<T>): T {
  if ('error' in loaded) throw loaded.error;
  return loaded.engine;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
