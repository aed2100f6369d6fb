import { GatewayConfigSchema } from '@voxgate/config';
import { GatewayError } from '@voxgate/openai-wire';
import { passthroughTargetOf } from './passthrough-target';

const config = (provider: Record<string, unknown>, model: Record<string, unknown> = {}) =>
  GatewayConfigSchema.parse({
    providers: { up: { type: 'openai', ...provider } },
    models: [
      { id: 'gpt-realtime-2025-08-28', aliases: ['gpt-realtime'], provider: 'up', realtime: 'passthrough', ...model },
    ],
  });

describe('passthroughTargetOf', () => {
  it('OpenAI: wss://…/v1/realtime?model=<upstream model>, Bearer key, resolved by alias', () => {
    const target = passthroughTargetOf(
      config({
        baseUrl: 'https://api.openai.com/v1',
        apiKey: 'sk-secret-123456',
        headers: { 'OpenAI-Organization': 'org_1' },
      }),
      'gpt-realtime',
    );
    expect(target).toMatchObject({
      model: 'gpt-realtime-2025-08-28',
      provider: 'up',
      url: 'wss://api.openai.com/v1/realtime?model=gpt-realtime-2025-08-28',
      headers: { authorization: 'Bearer sk-secret-123456', 'OpenAI-Organization': 'org_1' },
    });
    expect(target?.secrets).toContain('sk-secret-123456');
  });

  it('Azure (authHeader api-key): /openai/realtime?api-version=…&deployment=<upstreamModel>, api-key header', () => {
    const target = passthroughTargetOf(
      config(
        {
          baseUrl: 'https://res.openai.azure.com/openai',
          apiKey: 'azure-key-abcdef',
          authHeader: 'api-key',
          query: { 'api-version': '2025-04-01-preview' },
        },
        { upstreamModel: 'my-realtime' },
      ),
      'gpt-realtime-2025-08-28',
    );
    expect(target?.url).toBe(
      'wss://res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=my-realtime',
    );
    expect(target?.headers).toEqual({ 'api-key': 'azure-key-abcdef' });
  });

  it('plain http becomes ws; `keys` use the first entry and its baseUrl', () => {
    const target = passthroughTargetOf(
      config({
        baseUrl: 'http://127.0.0.1:9/v1',
        keys: [{ apiKey: 'sk-first-0000000', baseUrl: 'http://10.0.0.1:8080/v1' }, { apiKey: 'sk-second-000000' }],
      }),
      'gpt-realtime',
    );
    expect(target?.url).toBe('ws://10.0.0.1:8080/v1/realtime?model=gpt-realtime-2025-08-28');
    expect(target?.headers.authorization).toBe('Bearer sk-first-0000000');
  });

  it('null for a bridged or unknown model; a 503 when the provider has no key', () => {
    expect(
      passthroughTargetOf(config({ baseUrl: 'http://x/v1', apiKey: 'k' }, { realtime: 'bridge' }), 'gpt-realtime'),
    ).toBeNull();
    expect(passthroughTargetOf(config({ baseUrl: 'http://x/v1', apiKey: 'k' }), 'nope')).toBeNull();
    let error: unknown;
    try {
      passthroughTargetOf(config({ baseUrl: 'http://x/v1' }), 'gpt-realtime');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(503);
  });
});
