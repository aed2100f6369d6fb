import { LocalVoiceError } from './local-voice.error';

/** The built-in voice names of OpenAI's speech APIs (`/v1/audio/speech`, chat-completions audio). */
export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'fable',
  'onyx',
  'nova',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;
export type OpenAiVoice = (typeof OPENAI_VOICES)[number];

/** The flite voices Debian's `libflite1` ships, one shared library each (`libflite_cmu_us_<name>.so.1`). */
export const FLITE_VOICES = ['slt', 'awb', 'rms', 'kal', 'kal16'] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

/** TTS engines of this library. */
export type TtsEngine = 'flite' | 'espeak-ng';

/**
 * One engine voice. Written in config as `"<engine>:<voice>"`, e.g. `"flite:slt"` or `"espeak-ng:en-us"`
 * (`voice` for espeak-ng is any name `espeak-ng --voices` lists, optionally with a variant: `en-us+f3`).
 */
export type EngineVoice =
  { readonly engine: 'flite'; readonly voice: FliteVoice } | { readonly engine: 'espeak-ng'; readonly voice: string };

/**
 * Default mapping of OpenAI voice names to engine voices: flite's clustergen voices first (slt female, awb
 * and rms male; pocketsphinx recognises them best), espeak-ng variants for the rest so that every name
 * sounds distinct. Override any entry with `LocalVoiceOptions.voices`.
 */
export const DEFAULT_VOICE_MAP: Readonly<Record<OpenAiVoice, string>> = {
  alloy: 'flite:slt',
  ash: 'flite:awb',
  ballad: 'flite:rms',
  coral: 'flite:slt',
  echo: 'flite:rms',
  fable: 'flite:awb',
  onyx: 'flite:rms',
  nova: 'flite:slt',
  sage: 'espeak-ng:en-us+f3',
  shimmer: 'espeak-ng:en-us+f2',
  verse: 'espeak-ng:en-us+m3',
  marin: 'flite:slt',
  cedar: 'flite:awb',
};

const ESPEAK_VOICE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*(\+[a-z0-9]{1,16})?$/i;

/** Parses `"flite:slt"` / `"espeak-ng:en-us+f3"`; throws `invalid_argument` for anything else. */
export function parseEngineVoice(spec: string): EngineVoice {
  const separator = spec.indexOf(':');
  const engine = spec.slice(0, separator);
  const voice = spec.slice(separator + 1);
  if (engine === 'flite' && (FLITE_VOICES as readonly string[]).includes(voice)) {
    return { engine, voice: voice as FliteVoice };
  }
  if (engine === 'espeak-ng' && ESPEAK_VOICE.test(voice)) return { engine, voice };
  throw new LocalVoiceError(
    'invalid_argument',
    `engine voice "${spec}" is not "flite:<${FLITE_VOICES.join('|')}>" or "espeak-ng:<espeak voice>"`,
  );
}

/** Stringifies an engine voice back to its config form. */
export function formatEngineVoice(voice: EngineVoice): string {
  return `${voice.engine}:${voice.voice}`;
}

/**
 * Resolves the voice a caller asked for: a key of `voiceMap` (OpenAI names by default, operators may add
 * their own) or, when `allowEngineVoices`, a direct `"engine:voice"` spec. Throws `unknown_voice`.
 */
export function resolveVoice(
  requested: string,
  voiceMap: Readonly<Record<string, EngineVoice>>,
  allowEngineVoices: boolean,
): EngineVoice {
  const mapped = Object.hasOwn(voiceMap, requested) ? voiceMap[requested] : undefined;
  if (mapped !== undefined) return mapped;
  if (allowEngineVoices && requested.includes(':')) {
    try {
      return parseEngineVoice(requested);
    } catch {
      // falls through to the client-facing error below
    }
  }
  throw new LocalVoiceError('unknown_voice', `voice "${requested.slice(0, 64)}" is not available on the local engines`);
}
