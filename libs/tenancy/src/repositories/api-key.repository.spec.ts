import { useTestRedis } from '@voxgate/testing';
import { ApiKeyRepository } from './api-key.repository';
import type { ApiKeyRecord } from '../tenancy.types';

const record = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: 'key_1',
  tenantId: 'ten_1',
  name: 'ios',
  scope: 'client',
  createdAt: 1_700_000_000,
  redactedValue: 'sk-vg-...abcd',
  ...overrides,
});

describe('ApiKeyRepository (real Redis)', () => {
  const testRedis = useTestRedis();

  it('finds a principal by secret hash, lists by tenant, and writes exactly the documented keys', async () => {
    const { redis, keys } = testRedis();
    const repository = new ApiKeyRepository(redis);
    await repository.create(record(), 'hash-1');
    await repository.create(record({ id: 'key_2', createdAt: 1_700_000_005, name: 'web' }), 'hash-2');
    await repository.create(record({ id: 'key_3', tenantId: 'ten_2' }), 'hash-3');

    await expect(repository.findBySecretHash('hash-2')).resolves.toEqual({
      keyId: 'key_2',
      tenantId: 'ten_1',
      scope: 'client',
    });
    await expect(repository.findBySecretHash('nope')).resolves.toBeNull();
    expect((await repository.listForTenant('ten_1')).map((key) => key.id)).toEqual(['key_1', 'key_2']);
    expect(await repository.listForTenant('ten_2')).toEqual([record({ id: 'key_3', tenantId: 'ten_2' })]);
    expect(await keys()).toEqual([
      'apikey-secret:hash-1',
      'apikey-secret:hash-2',
      'apikey-secret:hash-3',
      'apikey:key_1',
      'apikey:key_2',
      'apikey:key_3',
      'tenant:{t:ten_1}:apikeys',
      'tenant:{t:ten_2}:apikeys',
    ]);
  });

  it('revokes completely: lookup, record and listing entry are gone; a second revoke finds nothing', async () => {
    const { redis, keys } = testRedis();
    const repository = new ApiKeyRepository(redis);
    await repository.create(record(), 'hash-1');
    await expect(repository.revoke('key_1')).resolves.toEqual(record());
    await expect(repository.findBySecretHash('hash-1')).resolves.toBeNull();
    await expect(repository.listForTenant('ten_1')).resolves.toEqual([]);
    expect(await keys()).toEqual([]);
    await expect(repository.revoke('key_1')).resolves.toBeNull();
  });

  it('publishes the revoked secret hash on the revocation channel once the lookup is gone', async () => {
    const { redis, prefix } = testRedis();
    const channel = `${prefix}apikeys-revoked`;
    const subscriber = redis.duplicate();
    try {
      const heard: { hash: string; lookupLeft: string | null }[] = [];
      const checker = redis.duplicate();
      subscriber.on('message', (_channel: string, hash: string) => {
        void checker.get(`apikey-secret:${hash}`).then((lookupLeft) => heard.push({ hash, lookupLeft }));
      });
      await subscriber.subscribe(channel);
      const repository = new ApiKeyRepository(redis, channel);
      await repository.create(record(), 'hash-1');
      await repository.revoke('key_1');
      await repository.revoke('key_1'); // nothing left: nothing published
      const deadline = Date.now() + 2_000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toEqual([{ hash: 'hash-1', lookupLeft: null }]);
      checker.disconnect();
    } finally {
      subscriber.disconnect();
    }
  });
});
