import { GatewayError } from '@voxgate/openai-wire';
import { keySlot, useTestRedis } from '@voxgate/testing';
import { hashSecret } from '../api-key-secret';
import { ApiKeyRepository } from '../repositories/api-key.repository';
import { AuthenticateApiKey } from '../usecases/authenticate-api-key.usecase';
import { AuthenticateClientSecret } from './authenticate-client-secret.usecase';
import { generateClientSecret, tenantOfClientSecret } from './client-secret-value';
import { ClientSecretRepository } from './client-secret.repository';
import { MintClientSecret } from './mint-client-secret.usecase';

const MINTER = { tenantId: 'ten_a', keyId: 'key_a', scope: 'client' as const };
const SESSION = { type: 'realtime', instructions: 'Be brief.' };

describe('client secrets (real Redis)', () => {
  const testRedis = useTestRedis();

  function build(nowMs = Date.parse('2026-12-06T12:00:00Z')) {
    const { redis, keys } = testRedis();
    const clock = { nowMs };
    const secrets = new ClientSecretRepository(redis);
    const apiKeys = new ApiKeyRepository(redis);
    let counter = 0;
    const mint = new MintClientSecret(secrets, { now: () => new Date(clock.nowMs) }, () => `cs_${++counter}`);
    const byClientSecret = new AuthenticateClientSecret(secrets, apiKeys, () => new Date(clock.nowMs));
    const authenticate = new AuthenticateApiKey({ findBySecretHash: () => Promise.resolve(null) }, byClientSecret);
    return { redis, keys, clock, secrets, apiKeys, mint, authenticate };
  }

  const createMinter = (apiKeys: ApiKeyRepository, tenantId = MINTER.tenantId, id = MINTER.keyId) =>
    apiKeys.create(
      { id, tenantId, name: 'server', scope: 'client', createdAt: 1, redactedValue: 'sk-vg-...abcd' },
      `hash-of-${id}`,
    );

  const unauthorized = async (promise: Promise<unknown>) => {
    const error = await promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(401);
    expect((error as GatewayError).code).toBe('invalid_api_key');
  };

  it('values name their tenant; anything else shaped otherwise names none', () => {
    const value = generateClientSecret('ten_a');
    expect(value).toMatch(/^ek_ten_a\.[A-Za-z0-9_-]{43}$/);
    expect(tenantOfClientSecret(value)).toBe('ten_a');
    expect(generateClientSecret('ten_a')).not.toBe(value);
    for (const bad of [
      'ek_',
      'ek_ten_a',
      'ek_ten_a.short',
      'sk-vg-abc',
      `ek_{x}.${value.slice(-43)}`,
      `ek_.${value.slice(-43)}`,
    ]) {
      expect(tenantOfClientSecret(bad)).toBeNull();
    }
  });

  it('mints a secret stored only as its hash, under the tenant tag, with the TTL of its life', async () => {
    const { redis, keys, mint, apiKeys, authenticate } = build();
    await createMinter(apiKeys);
    const { value, record } = await mint.execute(MINTER, { model: 'gpt-realtime', session: SESSION, seconds: 60 });
    expect(record).toEqual({
      id: 'cs_1',
      tenantId: 'ten_a',
      keyId: 'key_a',
      model: 'gpt-realtime',
      session: SESSION,
      expiresAt: Date.parse('2026-12-06T12:00:00Z') / 1000 + 60,
    });
    const secretKeys = (await keys()).filter((key) => key.includes('client-secret'));
    expect(secretKeys.sort()).toEqual([
      `tenant:{t:ten_a}:client-secret-id:cs_1`,
      `tenant:{t:ten_a}:client-secret:${hashSecret(value)}`,
    ]);
    expect(new Set(secretKeys.map(keySlot)).size).toBe(1);
    for (const key of secretKeys) {
      const stored = await redis.get(key);
      expect(stored).not.toContain(value);
      expect(stored).not.toContain(value.slice(-43));
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    await expect(authenticate.execute(`Bearer ${value}`)).resolves.toEqual({
      tenantId: 'ten_a',
      keyId: 'key_a',
      scope: 'client',
      clientSecret: { id: 'cs_1', model: 'gpt-realtime', session: SESSION, expiresAt: record.expiresAt },
    });
  });

  it('refuses lives outside 10…600 s and a client secret minting another', async () => {
    const { mint } = build();
    for (const seconds of [9, 601, 7200, 1.5]) {
      await expect(mint.execute(MINTER, { model: 'm', session: SESSION, seconds })).rejects.toMatchObject({
        status: 400,
        param: 'expires_after.seconds',
      });
    }
    const grant = { id: 'cs_0', model: 'm', session: SESSION, expiresAt: 0 };
    await expect(
      mint.execute({ ...MINTER, clientSecret: grant }, { model: 'm', session: SESSION, seconds: 60 }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('expired (to the second), revoked, forged, or minted by a revoked key: 401', async () => {
    const { clock, mint, apiKeys, secrets, authenticate } = build();
    await createMinter(apiKeys);
    const first = await mint.execute(MINTER, { model: 'm', session: SESSION, seconds: 10 });
    clock.nowMs += 9_999;
    await expect(authenticate.execute(`Bearer ${first.value}`)).resolves.toMatchObject({ keyId: 'key_a' });
    clock.nowMs += 1;
    await unauthorized(authenticate.execute(`Bearer ${first.value}`));

    const second = await mint.execute(MINTER, { model: 'm', session: SESSION, seconds: 60 });
    await unauthorized(authenticate.execute(`Bearer ${second.value.replace('ten_a', 'ten_b')}`));
    await unauthorized(
      authenticate.execute(`Bearer ${second.value.slice(0, -1)}${second.value.endsWith('A') ? 'B' : 'A'}`),
    );
    await expect(secrets.revoke('ten_a', second.record.id, 'key_other')).resolves.toBeNull();
    await expect(secrets.revoke('ten_b', second.record.id)).resolves.toBeNull();
    await expect(authenticate.execute(`Bearer ${second.value}`)).resolves.toMatchObject({ tenantId: 'ten_a' });
    await expect(secrets.revoke('ten_a', second.record.id, 'key_a')).resolves.toMatchObject({ id: second.record.id });
    await unauthorized(authenticate.execute(`Bearer ${second.value}`));
    await expect(secrets.revoke('ten_a', second.record.id)).resolves.toBeNull();

    const third = await mint.execute(MINTER, { model: 'm', session: SESSION, seconds: 60 });
    await apiKeys.revoke('key_a');
    await unauthorized(authenticate.execute(`Bearer ${third.value}`));
  });

  it('a key of another tenant cannot stand behind a secret naming this one', async () => {
    const { mint, apiKeys, authenticate } = build();
    await createMinter(apiKeys, 'ten_b', 'key_a');
    const { value } = await mint.execute(MINTER, { model: 'm', session: SESSION, seconds: 60 });
    await unauthorized(authenticate.execute(`Bearer ${value}`));
  });

  it('without a client-secret authenticator, an ek_ bearer is refused like an unknown key', async () => {
    const authenticate = new AuthenticateApiKey({ findBySecretHash: () => Promise.resolve({ ...MINTER }) });
    await unauthorized(authenticate.execute(`Bearer ${generateClientSecret('ten_a')}`));
  });
});
