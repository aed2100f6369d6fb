import OpenAI from 'openai';

/** The upstream key the gateway holds; tests assert it never reaches a client or a log. */
export const UPSTREAM_KEY = 'sk-upstream-SECRET-4f1c9a7e2b';
export const SNAPSHOT = 'gpt-4o-audio-preview-2025-06-03';
export const ALIAS = 'gpt-4o-audio-preview';

/** USD per 1M tokens, as in config/default.yaml. */
export const SNAPSHOT_PRICING = {
  textInput: '2.50',
  textOutput: '10.00',
  audioInput: '40.00',
  audioOutput: '80.00',
  cachedInput: '1.25',
};

/** Gateway config that routes the audio models to a fake upstream. */
export function relayConfig(upstreamBaseUrl: string, provider: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: {
      openai: { type: 'openai', baseUrl: upstreamBaseUrl, apiKey: UPSTREAM_KEY, maxRetries: 1, ...provider },
    },
    models: [
      { id: SNAPSHOT, aliases: [ALIAS], provider: 'openai', created: 1748908498, pricing: SNAPSHOT_PRICING },
      {
        id: 'gpt-4o-mini-audio-preview-2024-12-17',
        aliases: ['gpt-4o-mini-audio-preview'],
        provider: 'openai',
        created: 1734115920,
      },
    ],
  };
}

/** The official SDK pointed at the gateway; SDK retries off so every attempt is the test's own. */
export function openaiClient(gatewayUrl: string, apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${gatewayUrl}/v1`, maxRetries: 0, timeout: 20_000 });
}
