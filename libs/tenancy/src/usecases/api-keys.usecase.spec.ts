import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { hashSecret } from '../api-key-secret';
import { ApiKeyRepository } from '../repositories/api-key.repository';
import { TenantRepository } from '../repositories/tenant.repository';
import type { TenancyEnvironment } from '../tenancy.types';
import { AuthenticateApiKey, bearerToken } from './authenticate-api-key.usecase';
import { CreateApiKey } from './create-api-key.usecase';
import { CreateTenant } from './create-tenant.usecase';
import { ListApiKeys } from './list-api-keys.usecase';
import { RevokeApiKey } from './revoke-api-key.usecase';

function environment(): TenancyEnvironment {
  let counter = 0;
  return { now: () => new Date('2026-11-23T12:00:00Z'), newId: (prefix) => `${prefix}_${++counter}` };
}

describe('tenant and key use cases (real Redis)', () => {
  const testRedis = useTestRedis();

  function build() {
    const { redis } = testRedis();
    const tenants = new TenantRepository(redis);
    const keys = new ApiKeyRepository(redis);
    const env = environment();
    return {
      redis,
      createTenant: new CreateTenant(tenants, env),
      createApiKey: new CreateApiKey(tenants, keys, env),
      listApiKeys: new ListApiKeys(tenants, keys),
      revokeApiKey: new RevokeApiKey(keys),
      authenticate: new AuthenticateApiKey(keys),
      tenants,
    };
  }

  it('creates a tenant and a key whose secret authenticates; only its hash is stored', async () => {
    const { createTenant, createApiKey, authenticate, redis, tenants } = build();
    const tenant = await createTenant.execute({ name: 'acme' });
    expect(tenant).toEqual({ id: 'ten_1', name: 'acme', createdAt: 1795435200, corsOrigins: [] });
    await expect(tenants.list()).resolves.toEqual([tenant]);

    const { record, secret } = await createApiKey.execute(tenant.id, { name: 'ios', scope: 'client' });
    expect(secret).toMatch(/^sk-vg-[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({
      id: 'key_2',
      tenantId: 'ten_1',
      name: 'ios',
      scope: 'client',
      createdAt: 1795435200,
      redactedValue: `sk-vg-...${secret.slice(-4)}`,
    });
    await expect(authenticate.execute(`Bearer ${secret}`)).resolves.toEqual({
      tenantId: 'ten_1',
      keyId: 'key_2',
      scope: 'client',
    });

    const stored =
      JSON.stringify(await redis.hgetall('apikey:key_2')) + (await redis.get(`apikey-secret:${hashSecret(secret)}`));
    expect(stored).not.toContain(secret);
  });

  it('refuses keys for unknown tenants, and missing, wrong or revoked keys with 401 invalid_api_key', async () => {
    const { createTenant, createApiKey, revokeApiKey, authenticate, listApiKeys } = build();
    await expect(createApiKey.execute('ten_404', { name: 'x', scope: 'client' })).rejects.toMatchObject({
      status: 404,
      code: 'tenant_not_found',
    });
    await expect(listApiKeys.execute('ten_404')).rejects.toMatchObject({ status: 404 });

    const tenant = await createTenant.execute({ name: 'acme' });
    const { record, secret } = await createApiKey.execute(tenant.id, { name: 'ios', scope: 'client' });
    await revokeApiKey.execute(record.id);

    for (const header of [undefined, '', 'Basic abc', `Bearer ${secret}`, `Bearer ${secret}x`]) {
      const error = await authenticate.execute(header).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
    }
    await expect(revokeApiKey.execute(record.id)).rejects.toMatchObject({ status: 404, code: 'api_key_not_found' });
    await expect(listApiKeys.execute(tenant.id)).resolves.toEqual([]);
  });

  it('parses bearer tokens case-insensitively and rejects anything else', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc  ')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken('abc')).toBeNull();
  });
});
