import OpenAI from 'openai';
import { hashSecret } from '@voxgate/tenancy';
import { FakeUpstream, openTestRedis } from '@voxgate/testing';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT, UPSTREAM_KEY } from './support/relay-config';
import { spec, validator } from './support/e2e-env';

describe('authentication and the admin API', () => {
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let replica: GatewayProcess;

  beforeAll(async () => {
    upstream = await FakeUpstream.start({ apiKey: UPSTREAM_KEY, validator });
    gateway = await GatewayProcess.start({ config: relayConfig(upstream.baseUrl) });
    // A second replica on the same Redis namespace, as behind a load balancer.
    replica = await GatewayProcess.start({
      config: relayConfig(upstream.baseUrl),
      redisPrefix: gateway.redisPrefix,
      adminKey: gateway.adminKey,
    });
  });
  afterAll(async () => {
    await replica.stop({ flushRedis: false });
    await gateway.stop();
    await upstream.stop();
  });

  const ask = (url: string, key: string) =>
    openaiClient(url, key).chat.completions.create({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] });

  it.each([
    ['no key', undefined],
    ['a malformed header', 'Token abc'],
    ['an unknown key', 'Bearer sk-vg-unknownunknownunknown'],
  ])('answers 401 invalid_api_key to %s', async (_name, authorization) => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; type: string } };
    spec.assertValid('ErrorResponse', body);
    expect(body.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
  });

  it('raises AuthenticationError in the SDK for a wrong key', async () => {
    await expect(ask(gateway.url, 'sk-vg-wrong')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  /**
   * Polls `url` with `key` every 50 ms until it answers 401. Returns when, after `since` (ms), the last
   * request that was still accepted had been sent: "refused within 1 s" means no request sent more than
   * 1 s after the revocation is accepted (-1: none was accepted). Fails if no 401 came within 3 s.
   */
  const lastAcceptedAfter = async (url: string, key: string, since: number) => {
    let lastAccepted = -1;
    for (;;) {
      const sentAt = Date.now() - since;
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: SNAPSHOT, messages: [{ role: 'user', content: 'hi' }] }),
      });
      await response.arrayBuffer();
      if (response.status === 401) return lastAccepted;
      expect(response.status).toBe(200);
      lastAccepted = sentAt;
      expect(sentAt).toBeLessThan(3_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('creates tenants and keys, shows the secret once, lists keys without it, and revokes on every replica within 1 s', async () => {
    const tenant = await gateway.admin('POST', '/admin/tenants', { name: 'acme' });
    expect(tenant.status).toBe(201);
    const tenantId = (tenant.body as { id: string }).id;
    expect(tenant.body).toMatchObject({ object: 'tenant', id: expect.stringMatching(/^ten_/), name: 'acme' });

    const created = await gateway.admin('POST', `/admin/tenants/${tenantId}/keys`, { name: 'ios' });
    expect(created.status).toBe(201);
    const { id: keyId, key } = created.body as { id: string; key: string };
    expect(key).toMatch(/^sk-vg-[A-Za-z0-9_-]{43}$/);

    const listed = await gateway.admin('GET', `/admin/tenants/${tenantId}/keys`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      object: 'list',
      data: [
        {
          object: 'api_key',
          id: keyId,
          tenant_id: tenantId,
          name: 'ios',
          created_at: expect.any(Number),
          redacted_value: `sk-vg-...${key.slice(-4)}`,
        },
      ],
    });
    expect(JSON.stringify(listed.body)).not.toContain(key);

    // Both replicas have the key in their caches (auth.keyCacheMs, 1 s by default) before it is revoked.
    for (const url of [gateway.url, replica.url, gateway.url, replica.url])
      await expect(ask(url, key)).resolves.toMatchObject({ model: SNAPSHOT });

    const since = Date.now();
    const revoked = await replica.admin('DELETE', `/admin/keys/${keyId}`);
    expect(revoked).toEqual({ status: 200, body: { object: 'api_key.deleted', id: keyId, deleted: true } });
    const [onGateway, onReplica] = await Promise.all([
      lastAcceptedAfter(gateway.url, key, since),
      lastAcceptedAfter(replica.url, key, since),
    ]);
    expect(onGateway).toBeLessThanOrEqual(1_000);
    expect(onReplica).toBeLessThanOrEqual(1_000);
    await expect(ask(gateway.url, key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(ask(replica.url, key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    expect((await gateway.admin('DELETE', `/admin/keys/${keyId}`)).status).toBe(404);
    expect(gateway.output + replica.output).not.toContain(key);
  });

  it('refuses a revoked key on every replica within 1 s even when the revocation message is lost', async () => {
    const { key } = await gateway.createTenantKey();
    for (const url of [gateway.url, replica.url, gateway.url, replica.url])
      await expect(ask(url, key)).resolves.toMatchObject({ model: SNAPSHOT });
    // What a revocation does to Redis, without its pub/sub message: only the caches' age bound is left.
    const redis = openTestRedis({ keyPrefix: gateway.redisPrefix });
    try {
      const since = Date.now();
      expect(await redis.del(`apikey-secret:${hashSecret(key)}`)).toBe(1);
      const [onGateway, onReplica] = await Promise.all([
        lastAcceptedAfter(gateway.url, key, since),
        lastAcceptedAfter(replica.url, key, since),
      ]);
      expect(onGateway).toBeLessThanOrEqual(1_000);
      expect(onReplica).toBeLessThanOrEqual(1_000);
    } finally {
      redis.disconnect();
    }
  });

  it('rejects admin calls without the admin key, a tenant key included, and bad admin input', async () => {
    const { key, tenantId } = await gateway.createTenantKey();
    const asTenant = await fetch(`${gateway.url}/admin/tenants`, { headers: { authorization: `Bearer ${key}` } });
    expect(asTenant.status).toBe(401);
    expect((await gateway.admin('POST', '/admin/tenants', { name: '' })).status).toBe(400);
    expect((await gateway.admin('POST', '/admin/tenants', { name: 'x', plan: 'gold' })).body).toMatchObject({
      error: { code: 'unknown_parameter', param: 'plan' },
    });
    expect((await gateway.admin('POST', '/admin/tenants/ten_missing/keys', { name: 'k' })).status).toBe(404);
    expect((await gateway.admin('GET', `/admin/tenants/${tenantId}`)).body).toMatchObject({ id: tenantId });
  });

  it('disables the admin API when no admin key is configured', async () => {
    const bare = await GatewayProcess.start({ config: relayConfig(upstream.baseUrl), env: { VOXGATE_ADMIN_KEY: '' } });
    try {
      const response = await fetch(`${bare.url}/admin/tenants`, { headers: { authorization: 'Bearer anything' } });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('admin_api_disabled');
    } finally {
      await bare.stop();
    }
  });
});
