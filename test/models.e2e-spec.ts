import OpenAI from 'openai';
import { spec, useRelayEnv } from './support/e2e-env';
import { ALIAS, relayConfig, SNAPSHOT } from './support/relay-config';

const TTS = { id: 'tts-1', provider: 'openai', endpoints: ['audio/speech'], created: 1699046015 };

describe('GET /v1/models', () => {
  const env = useRelayEnv({}, { models: [...(relayConfig('http://unused').models as unknown[]), TTS] });

  it("lists snapshots and aliases as separate entries in OpenAI's shape", async () => {
    const { client } = env();
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      spec.assertValid('Model', model);
      ids.push(model.id);
    }
    expect(ids).toEqual([
      SNAPSHOT,
      ALIAS,
      'gpt-4o-mini-audio-preview-2024-12-17',
      'gpt-4o-mini-audio-preview',
      'tts-1',
    ]);

    const { gateway, key } = env();
    const raw = await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json();
    spec.assertValid('ListModelsResponse', raw);
  });

  it('retrieves one model, and 404s an unknown one', async () => {
    const { client } = env();
    const model = await client.models.retrieve(ALIAS);
    expect(model).toEqual({ id: ALIAS, object: 'model', created: 1748908498, owned_by: 'system' });
    const error = await client.models.retrieve('gpt-nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('?endpoint= (a Voxgate extension) keeps the models serving that route; an unknown route is a 400', async () => {
    const { gateway, key } = env();
    const list = async (query: string) => {
      const response = await fetch(`${gateway.url}/v1/models${query}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: response.status, body: (await response.json()) as { data?: Array<{ id: string }> } };
    };
    const chat = await list('?endpoint=chat/completions');
    spec.assertValid('ListModelsResponse', chat.body);
    expect(chat.body.data?.map((model) => model.id)).toEqual([
      SNAPSHOT,
      ALIAS,
      'gpt-4o-mini-audio-preview-2024-12-17',
      'gpt-4o-mini-audio-preview',
    ]);
    expect((await list('?endpoint=audio%2Fspeech')).body.data?.map((model) => model.id)).toEqual(['tts-1']);
    const bad = await list('?endpoint=realtime');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { type: 'invalid_request_error', param: 'endpoint', code: 'invalid_value' },
    });
    expect((await list('?endpoint=a&endpoint=b')).status).toBe(400);
  });

  it('requires a key', async () => {
    const { gateway } = env();
    expect((await fetch(`${gateway.url}/v1/models`)).status).toBe(401);
  });
});
