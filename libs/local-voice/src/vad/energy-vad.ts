/** Which detector cuts long audio: Silero VAD (neural; tells speech from noise) or the energy detector. */
export type VadEngine = 'silero' | 'energy';

/**
 * Options of the voice-activity detectors (`engine` picks one; the rest apply to both unless noted). Defaults suit read or conversational speech at 16 kHz:
 * only pauses of `minSilenceSeconds` or more cut, because pocketsphinx's trigram LM decodes whole phrases
 * better than fragments.
 */
export interface VadOptions {
  /**
   * Default `silero`. When Silero cannot load (sherpa-onnx-node or its native addon missing), the STT path
   * falls back to `energy` and `LocalVoice.probe()` reports why (`stt.vad`).
   */
  readonly engine?: VadEngine;
  /** Silero only: a 32 ms window is speech when its speech probability is at least this. Default 0.5. */
  readonly threshold?: number;
  /** A pause at least this long ends a segment. Default 0.6 s. */
  readonly minSilenceSeconds?: number;
  /** Speech runs shorter than this are dropped as clicks/noise. Default 0.15 s. */
  readonly minSpeechSeconds?: number;
  /** Silence kept on each side of a segment (the decoder wants some lead-in). Default 0.2 s. */
  readonly paddingSeconds?: number;
  /** Longer segments are split at their quietest point. Default 20 s. */
  readonly maxSegmentSeconds?: number;
  /**
   * Consecutive segments are decoded together up to this span (see `utteranceWindows`); each keeps its own
   * transcript segment. Default 20 s; 0 decodes every segment alone.
   */
  readonly maxUtteranceSeconds?: number;
  /** Energy only: a frame is speech when louder than the noise floor by this much. Default 12 dB. */
  readonly thresholdDb?: number;
  /** Energy only: …and louder than this absolute level (dBFS), so near-digital silence never counts. Default −50. */
  readonly minLevelDbfs?: number;
}

/** A span of speech, in seconds from the start of the audio, padding included. */
export interface VadSegment {
  readonly start: number;
  readonly end: number;
}

const FRAME_SECONDS = 0.01;

/**
 * Cuts audio into speech segments by short-time energy against an adaptive noise floor (the 10th
 * percentile of 10 ms frame levels). Cheap (one pass, no model), deterministic, good enough to cut long
 * recordings at pauses for an utterance decoder; it cannot tell speech from loud noise (Silero VAD can:
 * `silero-vad.ts`, the default; this is its fallback). Runs in the engine worker.
 */
export function detectSpeech(samples: Int16Array, sampleRate: number, options: VadOptions = {}): VadSegment[] {
  const minSilence = options.minSilenceSeconds ?? 0.6;
  const minSpeech = options.minSpeechSeconds ?? 0.15;
  const padding = options.paddingSeconds ?? 0.2;
  const maxSegment = options.maxSegmentSeconds ?? 20;
  const frameLength = Math.max(1, Math.round(sampleRate * FRAME_SECONDS));
  const levels = frameLevels(samples, frameLength);
  if (levels.length === 0) return [];
  const floor = percentile(levels, 0.1);
  const threshold = Math.max(floor + (options.thresholdDb ?? 12), options.minLevelDbfs ?? -50);
  const frameSeconds = frameLength / sampleRate;
  const duration = samples.length / sampleRate;

  const runs: Array<[number, number]> = [];
  for (let frame = 0; frame < levels.length;) {
    if ((levels[frame] ?? -Infinity) <= threshold) {
      frame++;
      continue;
    }
    const first = frame;
    while (frame < levels.length && (levels[frame] ?? -Infinity) > threshold) frame++;
    const last = runs[runs.length - 1];
    if (last !== undefined && (first - last[1]) * frameSeconds < minSilence) last[1] = frame;
    else runs.push([first, frame]);
  }

  const segments: VadSegment[] = [];
  for (const [first, end] of runs) {
    if ((end - first) * frameSeconds < minSpeech) continue;
    for (const [a, b] of splitLong(levels, first, end, Math.max(1, Math.round(maxSegment / frameSeconds)))) {
      segments.push({ start: a * frameSeconds, end: b * frameSeconds });
    }
  }
  return segments.map((segment, index) => {
    const previous = segments[index - 1];
    const next = segments[index + 1];
    const start = Math.max(0, segment.start - padding, previous ? (previous.end + segment.start) / 2 : 0);
    const end = Math.min(duration, segment.end + padding, next ? (segment.end + next.start) / 2 : duration);
    return { start: round(start), end: Math.min(duration, round(end)) };
  });
}

/** Level of each frame in dBFS (RMS); digital silence is −120. */
function frameLevels(samples: Int16Array, frameLength: number): number[] {
  const levels: number[] = [];
  for (let offset = 0; offset + frameLength <= samples.length; offset += frameLength) {
    let energy = 0;
    for (let index = offset; index < offset + frameLength; index++) {
      const value = (samples[index] ?? 0) / 32768;
      energy += value * value;
    }
    levels.push(Math.max(-120, 10 * Math.log10(energy / frameLength + 1e-12)));
  }
  return levels;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? -120;
}

/** Splits the frame range [first, end) into pieces of at most `maxFrames`, each cut at the quietest frame of its second half. */
function splitLong(levels: readonly number[], first: number, end: number, maxFrames: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let start = first;
  while (end - start > maxFrames) {
    let cut = start + maxFrames;
    for (let frame = start + Math.floor(maxFrames / 2); frame < start + maxFrames; frame++) {
      if ((levels[frame] ?? 0) < (levels[cut] ?? 0)) cut = frame;
    }
    pieces.push([start, cut]);
    start = cut;
  }
  pieces.push([start, end]);
  return pieces;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
