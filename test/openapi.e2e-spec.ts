import { DocumentValidator } from '../apps/gateway/src/openapi/__fixtures__/document-validator';
import { useRelayEnv } from './support/e2e-env';
import { ALIAS } from './support/relay-config';

/**
 * The document served by the built gateway describes what the same gateway answers: real responses of a
 * round of calls (SDK client, fake upstream, admin API, files, errors) validate against the component the
 * document names for them. A handler that starts returning an undocumented shape fails here.
 */
describe('GET /openapi.json describes the real answers', () => {
  const env = useRelayEnv();
  let document: DocumentValidator;

  beforeAll(async () => {
    const response = await fetch(`${env().gateway.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = new DocumentValidator((await response.json()) as object);
  });

  const expectValid = (component: string, value: unknown) =>
    expect([component, document.errors(component, value)]).toEqual([component, []]);

  it('chat completions: JSON, audio with speed, and every chunk of a stream', async () => {
    const { client } = env();
    expectValid(
      'CreateChatCompletionResponse',
      await client.chat.completions.create({ model: ALIAS, messages: [{ role: 'user', content: 'Say hello' }] }),
    );
    const audio = await client.chat.completions.create({
      model: ALIAS,
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'wav' },
      messages: [{ role: 'user', content: 'Say hello' }],
      speed: 1.5,
    } as Parameters<typeof client.chat.completions.create>[0] & { stream?: false });
    expectValid('CreateChatCompletionResponse', audio);
    const stream = await client.chat.completions.create({
      model: ALIAS,
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    for await (const chunk of stream) {
      expectValid('CreateChatCompletionStreamResponse', chunk);
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
  });

  it('models, errors and probes', async () => {
    const { client, gateway, key } = env();
    const get = async (path: string) =>
      (await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).json();
    expectValid('ListModelsResponse', await get('/v1/models'));
    expectValid('Model', await client.models.retrieve(ALIAS));
    const unknown = await fetch(`${gateway.url}/v1/models/nope`, { headers: { authorization: `Bearer ${key}` } });
    expect(unknown.status).toBe(404);
    expectValid('ErrorResponse', await unknown.json());
    const invalid = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: ALIAS, messages: [], temperatur: 1 }),
    });
    expect(invalid.status).toBe(400);
    expectValid('ErrorResponse', await invalid.json());
    expectValid('Health', await (await fetch(`${gateway.url}/healthz`)).json());
    expectValid('Readiness', await (await fetch(`${gateway.url}/readyz`)).json());
  });

  it('the admin API: tenants, keys, quotas', async () => {
    const { gateway } = env();
    const tenant = await gateway.admin('POST', '/admin/tenants', { name: 'documented' });
    expectValid('Tenant', tenant.body);
    const tenantId = (tenant.body as { id: string }).id;
    const key = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'k', scope: 'billing' });
    expectValid('CreatedApiKey', key.body);
    expectValid('ApiKeyList', (await gateway.admin('GET', `/admin/tenants/${tenantId}/keys`)).body);
    expectValid('TenantList', (await gateway.admin('GET', '/admin/tenants')).body);
    const quota = await gateway.admin('PUT', `/admin/tenants/${tenantId}/quotas`, { requests_per_minute: 10 });
    expectValid('Quota', quota.body);
    const keyId = (key.body as { id: string }).id;
    expectValid('Quota', (await gateway.admin('GET', `/admin/keys/${keyId}/quotas`)).body);
    expectValid('ApiKeyDeleted', (await gateway.admin('DELETE', `/admin/keys/${keyId}`)).body);
  });

  it('files: upload, list, delete', async () => {
    const { client, gateway, key } = env();
    const line = { custom_id: '1', method: 'POST', url: '/v1/chat/completions', body: { model: ALIAS, messages: [] } };
    const file = await client.files.create({
      file: new File([JSON.stringify(line) + '\n'], 'lines.jsonl'),
      purpose: 'batch',
    });
    expectValid('OpenAIFile', file);
    const listed = await fetch(`${gateway.url}/v1/files`, { headers: { authorization: `Bearer ${key}` } });
    expectValid('ListFilesResponse', await listed.json());
    expectValid('DeleteFileResponse', await client.files.delete(file.id));
  });
});
