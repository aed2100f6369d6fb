import { ALIAS, SNAPSHOT, SNAPSHOT_PRICING } from './relay-config';

/** USD prices as in config/default.yaml. */
export const TTS_MODEL = 'gpt-4o-mini-tts';
export const TTS_SNAPSHOT = 'gpt-4o-mini-tts-2025-12-15';
export const TRANSCRIBE_MODEL = 'gpt-4o-transcribe';

/**
 * The relay config's chat model plus the audio models of the default catalogue, each with its `endpoints`
 * and prices, all on the fake upstream's provider.
 */
export const AUDIO_MODELS = [
  { id: SNAPSHOT, aliases: [ALIAS], provider: 'openai', created: 1748908498, pricing: SNAPSHOT_PRICING },
  {
    id: TTS_SNAPSHOT,
    aliases: [TTS_MODEL],
    provider: 'openai',
    endpoints: ['audio/speech'],
    pricing: { textInput: '0.60', audioOutput: '12.00' },
  },
  { id: 'tts-1', provider: 'openai', endpoints: ['audio/speech'], pricing: { inputCharacters: '15.00' } },
  {
    id: TRANSCRIBE_MODEL,
    provider: 'openai',
    endpoints: ['audio/transcriptions'],
    pricing: { textInput: '2.50', audioInput: '6.00', textOutput: '10.00' },
  },
  {
    id: 'whisper-1',
    provider: 'openai',
    endpoints: ['audio/transcriptions', 'audio/translations'],
    pricing: { audioInputPerMinute: '0.006' },
  },
];
