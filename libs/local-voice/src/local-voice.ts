import { Resampler } from '@voxgate/audio';
import { LocalVoiceError } from './local-voice.error';
import { DEFAULT_LIBRARY_PATHS, LOCAL_VOICE_DEFAULTS, type LocalVoiceOptions } from './local-voice.options';
import { POCKETSPHINX_SAMPLE_RATE } from './native/pocketsphinx.binding';
import { concat, resampleChunked } from './pcm/resample-chunked';
import type { TranscribeRequest, Transcription, TranscriptSegment } from './stt/transcription.types';
import { splitSentences } from './text/sentences';
import type { PcmChunk, SynthesizeRequest } from './tts/synthesis.types';
import type { VadEngine, VadOptions } from './vad/energy-vad';
import {
  DEFAULT_VOICE_MAP,
  type EngineVoice,
  FLITE_VOICES,
  formatEngineVoice,
  parseEngineVoice,
  resolveVoice,
} from './voices';
import type {
  EngineJob,
  EngineJobResults,
  ProbeJobResult,
  SegmentWire,
  SynthesizeJobResult,
} from './worker/engine.protocol';
import { WorkerPool } from './worker/worker-pool';
import { engineWorkerScript, type WorkerScript } from './worker/worker-script';

/** What the local engines can serve on this host (for boot messages and `/v1/models`). */
export interface LocalVoiceCapabilities {
  readonly tts: {
    readonly flite: ProbeJobResult['flite'];
    readonly espeak: ProbeJobResult['espeak'];
    /** Configured voice names whose engine voice is available, → their engine voice. */
    readonly voices: Readonly<Record<string, string>>;
  };
  readonly stt: {
    readonly available: boolean;
    readonly reason?: string;
    readonly engine: 'pocketsphinx';
    readonly languages: readonly string[];
    /**
     * The detector that cuts long audio: the configured one, or `energy` when Silero was configured but
     * cannot load (`vadFallbackReason` then says why; the operator should be warned).
     */
    readonly vad: VadEngine;
    readonly vadFallbackReason?: string;
  };
}

type Job = EngineJob;
type Result = EngineJobResults[EngineJob['kind']];

const MIN_SPEED = 0.25;
const MAX_SPEED = 4;

/**
 * Offline text-to-speech (flite, espeak-ng) and speech-to-text (pocketsphinx) in process. Every engine call
 * runs in a worker thread of a small pool (`poolSize`); the main thread only splits text, resamples in
 * slices and moves buffers, so it never blocks for more than a few milliseconds. Libraries are loaded
 * lazily in the workers: a missing one is a `LocalVoiceError('engine_unavailable')` for the calls that need
 * it (and a `false` in `probe()`), never a crash. Call `close()` at shutdown.
 */
export class LocalVoice {
  private constructor(
    private readonly pool: WorkerPool<Job, Result, SegmentWire>,
    private readonly voiceMap: Readonly<Record<string, EngineVoice>>,
    private readonly settings: {
      timeoutMs: number;
      allowEngineVoices: boolean;
      vad: VadOptions;
      maxSentenceChars: number;
    },
  ) {}

  /** Validates the options (throws `invalid_argument`) and prepares the pool; no thread starts yet. */
  static create(options: LocalVoiceOptions = {}, script: WorkerScript = engineWorkerScript()): LocalVoice {
    const voiceMap: Record<string, EngineVoice> = {};
    for (const [name, spec] of Object.entries({ ...DEFAULT_VOICE_MAP, ...options.voices })) {
      voiceMap[name] = parseEngineVoice(spec);
    }
    const timeoutMs = options.timeoutMs ?? LOCAL_VOICE_DEFAULTS.timeoutMs;
    if (!(timeoutMs > 0)) throw new LocalVoiceError('invalid_argument', 'timeoutMs must be positive');
    const pool = new WorkerPool<Job, Result, SegmentWire>({
      size: options.poolSize ?? LOCAL_VOICE_DEFAULTS.poolSize,
      script,
      workerData: {
        libraries: { ...DEFAULT_LIBRARY_PATHS, ...options.libraries },
        pocketsphinxModelDir: options.pocketsphinxModelDir ?? LOCAL_VOICE_DEFAULTS.pocketsphinxModelDir,
        ...(options.sileroModel === undefined ? {} : { sileroModel: options.sileroModel }),
      },
    });
    return new LocalVoice(pool, voiceMap, {
      timeoutMs,
      allowEngineVoices: options.allowEngineVoices ?? LOCAL_VOICE_DEFAULTS.allowEngineVoices,
      vad: options.vad ?? {},
      maxSentenceChars: options.maxSentenceChars ?? LOCAL_VOICE_DEFAULTS.maxSentenceChars,
    });
  }

  /**
   * Synthesizes `text` sentence by sentence. Validation errors (`invalid_argument`, `unknown_voice`) are
   * thrown by the first `next()`; engine errors by the `next()` of the sentence that failed.
   */
  async *synthesize(request: SynthesizeRequest): AsyncGenerator<PcmChunk, void, undefined> {
    const speed = request.speed ?? 1;
    if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) {
      throw new LocalVoiceError('invalid_argument', `speed must be between ${MIN_SPEED} and ${MAX_SPEED}`);
    }
    const voice = resolveVoice(request.voice, this.voiceMap, this.settings.allowEngineVoices);
    const sentences = splitSentences(request.text, this.settings.maxSentenceChars);
    if (sentences.length === 0) throw new LocalVoiceError('invalid_argument', 'text has nothing to speak');
    if (request.sampleRate !== undefined && !validRate(request.sampleRate)) {
      throw new LocalVoiceError('invalid_argument', 'sampleRate must be an integer between 8000 and 192000');
    }
    const timeoutMs = request.timeoutMs ?? this.settings.timeoutMs;
    // A caller that stops iterating early leaves at most one prefetched sentence running; its result is
    // discarded rather than cancelled, because cancelling a busy worker costs a new thread.
    const run = (text: string): Promise<SynthesizeJobResult> =>
      this.pool.run(
        { kind: 'synthesize', text, voice, speed },
        { timeoutMs, signal: request.signal },
      ) as Promise<SynthesizeJobResult>;
    let resampler: Resampler | undefined;
    let pending = run(sentences[0] as string);
    for (let index = 0; index < sentences.length; index++) {
      const sentence = await pending;
      const last = index + 1 === sentences.length;
      if (!last) {
        pending = run(sentences[index + 1] as string);
        pending.catch(() => undefined); // observed by the next iteration; ignored if the caller stops first
      }
      let samples = sentence.samples;
      const sampleRate = request.sampleRate ?? sentence.sampleRate;
      if (sampleRate !== sentence.sampleRate) {
        resampler ??= await Resampler.create(sentence.sampleRate, sampleRate);
        samples = last ? concat([resampler.process(samples), resampler.flush()]) : resampler.process(samples);
      }
      yield { samples, sampleRate, text: sentences[index] as string, index, appliedSpeed: sentence.appliedSpeed };
    }
  }

  /**
   * Transcribes English speech: resamples to 16 kHz (main thread, in slices), then in a worker cuts it
   * with the energy VAD into utterances and decodes each in full-utterance mode. `onSegment` sees each
   * segment as it finishes. Audio without speech gives an empty text and no segments.
   */
  async transcribe(request: TranscribeRequest): Promise<Transcription> {
    if (!isInt16Array(request.pcm16)) throw new LocalVoiceError('invalid_argument', 'pcm16 must be an Int16Array');
    if (!validRate(request.sampleRate)) {
      throw new LocalVoiceError('invalid_argument', 'sampleRate must be an integer between 8000 and 192000');
    }
    if (request.language !== undefined && !/^en([-_][a-z]{2,4})?$/i.test(request.language)) {
      throw new LocalVoiceError(
        'unsupported_language',
        `language "${request.language}" is not supported by the local STT (English only)`,
      );
    }
    if (request.signal?.aborted) throw new LocalVoiceError('aborted', 'the call was aborted');
    const durationSeconds = request.pcm16.length / request.sampleRate;
    const resampled = await resampleChunked(request.pcm16, request.sampleRate, POCKETSPHINX_SAMPLE_RATE);
    // Moved to the worker, not copied; never move the caller's own buffer.
    const samples = resampled === request.pcm16 ? resampled.slice() : resampled;
    const segments: TranscriptSegment[] = [];
    // Resampling rounds the length to whole samples: clamp times to the caller's duration.
    const clamp = (seconds: number): number => Math.min(seconds, durationSeconds);
    const toSegment = (wire: SegmentWire, id: number): TranscriptSegment => ({
      id,
      start: clamp(wire.start),
      end: clamp(wire.end),
      text: wire.text,
      words: wire.words.map((word) => ({ word: word.word, start: clamp(word.start), end: clamp(word.end) })),
    });
    await this.pool.run(
      { kind: 'transcribe', samples, vad: this.settings.vad },
      {
        timeoutMs: request.timeoutMs ?? this.settings.timeoutMs + 2_000 * durationSeconds,
        signal: request.signal,
        transfer: isArrayBuffer(samples.buffer) ? [samples.buffer] : [],
        onProgress: (wire) => {
          const segment = toSegment(wire, segments.length);
          segments.push(segment);
          try {
            request.onSegment?.(segment);
          } catch {
            // the caller's listener must not break the decoding
          }
        },
      },
    );
    return {
      text: segments.map((segment) => segment.text).join(' '),
      language: 'en',
      durationSeconds,
      segments,
      words: segments.flatMap((segment) => segment.words),
    };
  }

  /**
   * Loads every engine in a worker and reports what works: flite voices, whether the espeak-ng voices of
   * the voice map exist, and whether pocketsphinx and its model load. Never throws for a missing engine.
   */
  async probe(options: { timeoutMs?: number } = {}): Promise<LocalVoiceCapabilities> {
    const espeakVoices = [
      ...new Set(Object.values(this.voiceMap).flatMap((voice) => (voice.engine === 'espeak-ng' ? [voice.voice] : []))),
    ];
    const found = (await this.pool.run(
      { kind: 'probe', fliteVoices: FLITE_VOICES, espeakVoices },
      { timeoutMs: options.timeoutMs ?? this.settings.timeoutMs },
    )) as ProbeJobResult;
    const voices: Record<string, string> = {};
    for (const [name, voice] of Object.entries(this.voiceMap)) {
      const engine = voice.engine === 'flite' ? found.flite : found.espeak;
      if (engine.available && engine.voices.includes(voice.voice)) voices[name] = formatEngineVoice(voice);
    }
    const { available, reason } = found.pocketsphinx;
    const wantsSilero = (this.settings.vad.engine ?? 'silero') === 'silero';
    const fallback = wantsSilero && !found.silero.available;
    return {
      tts: { flite: found.flite, espeak: found.espeak, voices },
      stt: {
        available,
        ...(reason === undefined ? {} : { reason }),
        engine: 'pocketsphinx',
        languages: available ? ['en'] : [],
        vad: wantsSilero && !fallback ? 'silero' : 'energy',
        ...(fallback ? { vadFallbackReason: found.silero.reason ?? 'unavailable' } : {}),
      },
    };
  }

  /** Worker threads, busy ones, queued calls and replaced workers. */
  get stats(): { workers: number; busy: number; queued: number; replaced: number } {
    return this.pool.stats;
  }

  /** Terminates the workers; pending calls reject with `engine_unavailable`. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

// Realm-independent checks: typed arrays from worker messages or another VM context fail `instanceof`.
function isInt16Array(value: unknown): value is Int16Array {
  return Object.prototype.toString.call(value) === '[object Int16Array]';
}

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

function validRate(rate: number): boolean {
  return Number.isInteger(rate) && rate >= 8_000 && rate <= 192_000;
}
