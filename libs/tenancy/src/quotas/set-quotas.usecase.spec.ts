import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { ApiKeyRepository } from '../repositories/api-key.repository';
import { TenantRepository } from '../repositories/tenant.repository';
import type { Principal } from '../tenancy.types';
import { QuotaRepository } from './quota.repository';
import { ReserveQuota } from './reserve-quota.usecase';
import { SetQuotas } from './set-quotas.usecase';

const T0 = Date.UTC(2030, 4, 14, 10, 20, 15, 500);
const KEY_A: Principal = { tenantId: 'ten_1', keyId: 'key_a', scope: 'client' };
const NOTHING = { tokens: 0, spendMicros: 0, audioMs: 0 };
const UNLIMITED = {
  requests_per_minute: null,
  tokens_per_minute: null,
  tokens_per_day: null,
  spend_per_month_usd_micros: null,
  concurrent_streams: null,
  audio_seconds_per_day: null,
};

describe('SetQuotas (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build() {
    const { redis } = testRedis();
    const tenants = new TenantRepository(redis);
    const keys = new ApiKeyRepository(redis);
    const quotas = new QuotaRepository(redis);
    await tenants.create({ id: 'ten_1', name: 'acme', createdAt: 1_700_000_000 });
    await keys.create(
      {
        id: 'key_a',
        tenantId: 'ten_1',
        name: 'ios',
        scope: 'client',
        createdAt: 1_700_000_000,
        redactedValue: 'sk-vg-...abcd',
      },
      'hash-a',
    );
    // The second replica: its own connection, reading limits inside its script on every request.
    const replica = redis.duplicate();
    const reserve = new ReserveQuota(new QuotaRepository(replica), { dryRun: false, streamLeaseMs: 30_000 }, () => T0);
    return { setQuotas: new SetQuotas(tenants, keys, quotas), reserve, replica };
  }

  it('tenant limits apply to the very next request on another replica; null lifts them', async () => {
    const { setQuotas, reserve, replica } = await build();
    try {
      await expect(setQuotas.forTenant('ten_1', { requests_per_minute: 1 })).resolves.toEqual({
        ...UNLIMITED,
        requests_per_minute: 1,
      });
      await reserve.execute(KEY_A, NOTHING, false);
      await expect(reserve.execute(KEY_A, NOTHING, false)).rejects.toMatchObject({ status: 429 });

      await expect(setQuotas.forTenant('ten_1', { requests_per_minute: null })).resolves.toEqual(UNLIMITED);
      await expect(reserve.execute(KEY_A, NOTHING, false)).resolves.toMatchObject({ headers: {} });

      await setQuotas.forTenant('ten_1', { requests_per_minute: 2 });
      await expect(reserve.execute(KEY_A, NOTHING, false)).rejects.toMatchObject({ status: 429 });
      // Absent fields are unlimited too: replacing the set drops the old limit.
      await expect(setQuotas.forTenant('ten_1', { tokens_per_minute: 10 })).resolves.toEqual({
        ...UNLIMITED,
        tokens_per_minute: 10,
      });
      await expect(reserve.execute(KEY_A, NOTHING, false)).resolves.toBeDefined();
      await expect(setQuotas.readTenant('ten_1')).resolves.toEqual({ ...UNLIMITED, tokens_per_minute: 10 });
    } finally {
      replica.disconnect();
    }
  });

  it("a key's limits are stored under its tenant and apply to that key at once", async () => {
    const { setQuotas, reserve, replica } = await build();
    try {
      await expect(setQuotas.readKey('key_a')).resolves.toEqual(UNLIMITED);
      await expect(setQuotas.forKey('key_a', { concurrent_streams: 0 })).resolves.toEqual({
        ...UNLIMITED,
        concurrent_streams: 0,
      });
      await expect(reserve.execute(KEY_A, NOTHING, true)).rejects.toMatchObject({ status: 429, type: 'streams' });
      await expect(reserve.execute(KEY_A, NOTHING, false)).resolves.toBeDefined();
      expect(await testRedis().redis.hgetall('quota:{t:ten_1}:key:key_a:limits')).toEqual({ concurrent_streams: '0' });
      await expect(setQuotas.readKey('key_a')).resolves.toEqual({ ...UNLIMITED, concurrent_streams: 0 });
      await expect(setQuotas.readTenant('ten_1')).resolves.toEqual(UNLIMITED);
    } finally {
      replica.disconnect();
    }
  });

  it('an unknown tenant or key is a 404 GatewayError, and nothing is written', async () => {
    const { setQuotas, replica } = await build();
    replica.disconnect();
    for (const attempt of [
      setQuotas.forTenant('ten_nope', { requests_per_minute: 1 }),
      setQuotas.readTenant('ten_nope'),
    ]) {
      await expect(attempt).rejects.toBeInstanceOf(GatewayError);
      await expect(attempt).rejects.toMatchObject({ status: 404, code: 'tenant_not_found' });
    }
    for (const attempt of [setQuotas.forKey('key_nope', { requests_per_minute: 1 }), setQuotas.readKey('key_nope')]) {
      await expect(attempt).rejects.toMatchObject({ status: 404, code: 'api_key_not_found' });
    }
    expect((await testRedis().keys()).filter((key) => key.startsWith('quota:'))).toEqual([]);
  });
});
