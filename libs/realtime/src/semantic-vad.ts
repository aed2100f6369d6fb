import type { SemanticVad, TurnDetection } from './server-events';
import type { TurnDetectorSettings } from './turn-detector';

/** A new `semantic_vad`'s settings (spec defaults: eagerness `auto`, respond and interrupt). */
export const DEFAULT_SEMANTIC_VAD: SemanticVad = {
  type: 'semantic_vad',
  eagerness: 'auto',
  create_response: true,
  interrupt_response: true,
};

/**
 * Silence that ends a turn for each `eagerness`. OpenAI's semantic VAD scores whether the words so far
 * end a turn; the bridge has no such model, so `semantic_vad` is the session's VAD with a fixed wait:
 * `high` answers after a short pause, `low` lets the user pause longer (`auto` is `medium`, as in the
 * spec). A user who trails off with "uhm" is answered after the same wait as one who finished.
 */
export const SEMANTIC_SILENCE_MS: Readonly<Record<SemanticVad['eagerness'], number>> = {
  high: 300,
  medium: 700,
  auto: 700,
  low: 1500,
};

/** What the detector runs with for a session's `turn_detection`. */
export function detectorSettingsOf(turnDetection: TurnDetection): TurnDetectorSettings {
  if (turnDetection.type === 'server_vad') return turnDetection;
  return { threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: SEMANTIC_SILENCE_MS[turnDetection.eagerness] };
}
