import { useTestRedis } from '@voxgate/testing';
import {
  limits,
  OTHER_TENANT,
  repositories,
  SESSION,
  sessionKeys,
  T0,
  TENANT,
  userText,
} from '../__fixtures__/sessions.factory';

describe('SessionRepository.read: TTL and tenant isolation (real Redis)', () => {
  const testRedis = useTestRedis();

  it('refreshes the TTL of the list, the meta hash and the audio set on read', async () => {
    const { redis } = testRedis();
    const { sessions } = repositories(redis, limits({ ttlSeconds: 900 }));
    const keys = Object.values(sessionKeys(TENANT, SESSION));
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [userText('hi')] }, ['ain_1']);
    for (const key of keys) await redis.pexpire(key, 2_000);

    await sessions.read(TENANT, SESSION);
    for (const key of keys) {
      const pttl = await redis.pttl(key);
      expect(pttl).toBeGreaterThan(895_000);
      expect(pttl).toBeLessThanOrEqual(900_000);
    }
  });

  it('does not touch the TTL of the audio objects themselves (they keep their own lifetime)', async () => {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis, limits({ ttlSeconds: 900 }));
    await redis.set(audio.key(TENANT, 'ain_1'), 'x', 'PX', 2_000);
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [] }, ['ain_1']);
    await sessions.read(TENANT, SESSION);
    expect(await redis.pttl(audio.key(TENANT, 'ain_1'))).toBeLessThanOrEqual(2_000);
  });

  it('never mixes the same session id under two tenants', async () => {
    const { redis } = testRedis();
    const { sessions } = repositories(redis);
    await sessions.append(TENANT, SESSION, { requestId: 'a1', at: T0, messages: [userText('from a')] }, ['ain_a']);
    await sessions.append(OTHER_TENANT, SESSION, { requestId: 'b1', at: T0 + 5, messages: [userText('from b')] }, [
      'ain_b',
    ]);
    await sessions.append(TENANT, SESSION, { requestId: 'a2', at: T0 + 9, messages: [userText('again a')] }, []);

    const a = await sessions.read(TENANT, SESSION);
    const b = await sessions.read(OTHER_TENANT, SESSION);
    expect(a.turns.map((turn) => [turn.seq, turn.request_id])).toEqual([
      [1, 'a1'],
      [2, 'a2'],
    ]);
    expect(b.turns.map((turn) => [turn.seq, turn.request_id])).toEqual([[1, 'b1']]);
    expect(b).toMatchObject({ createdAt: T0 + 5, updatedAt: T0 + 5 });
    expect(await redis.smembers(sessionKeys(OTHER_TENANT, SESSION).audio)).toEqual(['ain_b']);
    await expect(sessions.read('ten_c', SESSION)).resolves.toEqual({ turns: [], createdAt: null, updatedAt: null });
  });
});
