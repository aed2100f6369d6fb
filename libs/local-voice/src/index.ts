// @voxgate/local-voice: offline TTS (flite, espeak-ng) and STT (pocketsphinx) in worker threads. See README.md.
export { LocalVoice, type LocalVoiceCapabilities } from './local-voice';
export { LocalVoiceError, type LocalVoiceErrorCode } from './local-voice.error';
export { DEFAULT_LIBRARY_PATHS, LOCAL_VOICE_DEFAULTS, type LocalVoiceOptions } from './local-voice.options';
export type { PcmChunk, SynthesizeRequest } from './tts/synthesis.types';
export type { TranscribeRequest, Transcription, TranscriptSegment, TranscriptWord } from './stt/transcription.types';
export type { EngineAvailability, LibraryPaths } from './worker/engine.protocol';
export type { WorkerScript } from './worker/worker-script';
export { detectSpeech, type VadEngine, type VadOptions, type VadSegment } from './vad/energy-vad';
export { DEFAULT_SILERO_MODEL, SileroVad } from './vad/silero-vad';
export { type SileroWindow, SileroWindowPool } from './vad/silero-window-pool';
export { splitSentences } from './text/sentences';
export { normalizeWords, wordErrorRate, wordErrors } from './text/word-error-rate';
export {
  DEFAULT_VOICE_MAP,
  type EngineVoice,
  FLITE_VOICES,
  type FliteVoice,
  OPENAI_VOICES,
  type OpenAiVoice,
  parseEngineVoice,
  type TtsEngine,
} from './voices';
