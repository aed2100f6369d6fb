import OpenAI from 'openai';
import { spec, useRelayEnv } from './support/e2e-env';
import { ALIAS, SNAPSHOT } from './support/relay-config';

describe('GET /v1/models', () => {
  const env = useRelayEnv();

  it("lists snapshots and aliases as separate entries in OpenAI's shape", async () => {
    const { client } = env();
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      spec.assertValid('Model', model);
      ids.push(model.id);
    }
    expect(ids).toEqual([SNAPSHOT, ALIAS, 'gpt-4o-mini-audio-preview-2024-12-17', 'gpt-4o-mini-audio-preview']);

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

  it('requires a key', async () => {
    const { gateway } = env();
    expect((await fetch(`${gateway.url}/v1/models`)).status).toBe(401);
  });
});
