import { chatCompletionsUrl, type OpenAICompatibleSettings } from './openai-compatible.api';

function settings(overrides: Partial<OpenAICompatibleSettings> = {}): OpenAICompatibleSettings {
  return {
    baseUrl: 'https://example.test/openai',
    apiKey: 'sk-test-0123456789abcdef',
    keys: [],
    chatCompletionsPath: '/deployments/{model}/chat/completions',
    query: { 'api-version': '2025-01-01-preview' },
    authHeader: 'api-key',
    headers: {},
    timeouts: { connectMs: 1_000, firstByteMs: 5_000, idleMs: 2_000, totalMs: 60_000 },
    ...overrides,
  };
}

describe('chatCompletionsUrl', () => {
  it('gives each target and model its own URL, the same on every call', () => {
    const azure = settings();
    const other = settings({
      baseUrl: 'http://localhost:4000/v1',
      chatCompletionsPath: '/chat/completions',
      query: {},
    });
    const first = chatCompletionsUrl(azure, 'gpt audio/eu');

    expect(first).toBe(
      'https://example.test/openai/deployments/gpt%20audio%2Feu/chat/completions?api-version=2025-01-01-preview',
    );
    expect(chatCompletionsUrl(azure, 'gpt audio/eu')).toBe(first);
    expect(chatCompletionsUrl(azure, 'gpt-4o')).toBe(
      'https://example.test/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview',
    );
    expect(chatCompletionsUrl(other, 'gpt audio/eu')).toBe('http://localhost:4000/v1/chat/completions');
  });

  it('stays right for a client naming more models than it keeps', () => {
    const target = settings();
    for (let index = 0; index < 600; index++) {
      expect(chatCompletionsUrl(target, `model-${index}`)).toBe(
        `https://example.test/openai/deployments/model-${index}/chat/completions?api-version=2025-01-01-preview`,
      );
    }
    expect(chatCompletionsUrl(target, 'model-0')).toContain('/deployments/model-0/');
  });
});
