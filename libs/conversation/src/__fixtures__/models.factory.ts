import type { ModelConfig } from '@voxgate/config';

export const SNAPSHOT = 'gpt-4o-audio-preview-2025-06-03';
export const ALIAS = 'gpt-4o-audio-preview';

export function modelConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    id: SNAPSHOT,
    aliases: [ALIAS],
    provider: 'openai',
    created: 1748908498,
    ownedBy: 'system',
    contextTokens: 128_000,
    endpoints: ['chat/completions'],
    realtime: 'bridge',
    fallbacks: [],
    ...overrides,
  };
}
