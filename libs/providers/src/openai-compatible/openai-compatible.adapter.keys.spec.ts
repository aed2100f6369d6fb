import {
  callContext,
  chatRequest,
  completionBody,
  harness,
  jsonResponse,
  openAiError,
  rejectionOf,
} from './__fixtures__/adapter-harness';

const KEYS = [
  { apiKey: 'sk-key-a', weight: 3 },
  { apiKey: 'sk-key-b', weight: 1, baseUrl: 'https://eu.example.com/v1' },
];

const answers = (count: number) => Array.from({ length: count }, () => jsonResponse(completionBody()));

describe('OpenAICompatibleAdapter: several keys', () => {
  it('uses each key in proportion to its weight, each with its own base URL', async () => {
    const { adapter, fake } = harness(answers(8), { settings: { apiKey: '', keys: KEYS } });
    for (let i = 0; i < 8; i++) await adapter.chatCompletion(chatRequest(), callContext());

    const used = fake.calls.map((call) => `${call.headers.get('authorization')} ${new URL(call.url).host}`);
    expect(used.filter((entry) => entry === 'Bearer sk-key-a api.openai.com')).toHaveLength(6);
    expect(used.filter((entry) => entry === 'Bearer sk-key-b eu.example.com')).toHaveLength(2);
  });

  it('retries on the next key, and reports every retry', async () => {
    const retries: string[] = [];
    const busy = jsonResponse(openAiError('Overloaded', 'server_error', null, null), 503);
    const { adapter, fake } = harness([busy, jsonResponse(completionBody())], {
      settings: { apiKey: '', keys: KEYS.map((key) => ({ ...key, weight: 1 })) },
      onRetry: (provider) => retries.push(provider),
    });
    await adapter.chatCompletion(chatRequest(), callContext());
    expect(fake.calls.map((call) => call.headers.get('authorization'))).toEqual(['Bearer sk-key-a', 'Bearer sk-key-b']);
    expect(retries).toEqual(['openai']);
  });

  it('is configured by its keys alone, and not without any key', async () => {
    const { adapter } = harness([], { settings: { apiKey: '', keys: [] } });
    expect(await rejectionOf(adapter.chatCompletion(chatRequest(), callContext()))).toMatchObject({
      status: 503,
      code: 'provider_not_configured',
    });
  });

  it('never relays one of its keys that the provider echoes', async () => {
    const echo = jsonResponse(
      openAiError('Incorrect API key provided: sk-key-b', 'invalid_request_error', null, null),
      400,
    );
    const { adapter } = harness([echo], { settings: { apiKey: '', keys: KEYS } });
    const error = await rejectionOf(adapter.chatCompletion(chatRequest(), callContext()));
    expect(JSON.stringify(error)).not.toContain('sk-key-b');
  });
});
