import { useTestRedis } from '@voxgate/testing';
import {
  hashTagOf,
  limits,
  repositories,
  SESSION,
  sessionKeys,
  storedAudio,
  T0,
  TENANT,
  userText,
} from '../__fixtures__/sessions.factory';
import type { StoredTurn } from '../session.types';

describe('SessionRepository.append (real Redis)', () => {
  const testRedis = useTestRedis();

  it('numbers turns 1, 2, 3 and reads them back oldest first, exactly as appended', async () => {
    const { sessions } = repositories(testRedis().redis);
    const seqs = [];
    for (const [index, text] of ['first', 'second', 'third'].entries()) {
      seqs.push(
        await sessions.append(
          TENANT,
          SESSION,
          { requestId: `req_${index}`, at: T0 + index, messages: [userText(text)] },
          [],
        ),
      );
    }
    expect(seqs).toEqual([1, 2, 3]);
    const snapshot = await sessions.read(TENANT, SESSION);
    expect(snapshot.turns).toEqual<StoredTurn[]>([
      { seq: 1, at: T0, request_id: 'req_0', messages: [userText('first')] },
      { seq: 2, at: T0 + 1, request_id: 'req_1', messages: [userText('second')] },
      { seq: 3, at: T0 + 2, request_id: 'req_2', messages: [userText('third')] },
    ]);
    expect(snapshot).toMatchObject({ createdAt: T0, updatedAt: T0 + 2 });
  });

  it('stores a turn once per idempotency key: a retry appends nothing and returns 0', async () => {
    const { sessions } = repositories(testRedis().redis);
    const turn = (requestId: string, key: string | null) => ({
      requestId,
      idempotencyKey: key,
      at: T0,
      messages: [userText(requestId)],
    });
    const results = [
      await sessions.append(TENANT, SESSION, turn('req_a', 'idem:pay-1'), []),
      await sessions.append(TENANT, SESSION, turn('req_b', 'idem:pay-1'), []),
      await sessions.append(TENANT, SESSION, turn('req_c', 'idem:pay-10'), []),
      await sessions.append(TENANT, SESSION, turn('req_d', null), []),
      await sessions.append(TENANT, SESSION, turn('req_e', null), []),
    ];
    expect(results).toEqual([1, 0, 2, 3, 4]);
    const snapshot = await sessions.read(TENANT, SESSION);
    expect(snapshot.turns.map((stored) => stored.request_id)).toEqual(['req_a', 'req_c', 'req_d', 'req_e']);
  });

  it('reads a session that does not exist as empty, with null timestamps, and creates no keys', async () => {
    const { sessions } = repositories(testRedis().redis);
    await expect(sessions.read(TENANT, 'nobody')).resolves.toEqual({ turns: [], createdAt: null, updatedAt: null });
    await expect(testRedis().keys()).resolves.toEqual([]);
  });

  it('keeps every key of a session and its audio under the tenant hash tag {t:<tenant>}', async () => {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    await audio.put(TENANT, storedAudio({ id: 'audio_vg_1' }), 60);
    await sessions.append(TENANT, SESSION, { requestId: 'req_1', at: T0, messages: [userText('hi')] }, ['audio_vg_1']);
    const keys = await testRedis().keys();
    expect(keys).toEqual(
      [
        `audio:{t:${TENANT}}:audio_vg_1`,
        sessionKeys(TENANT, SESSION).turns,
        sessionKeys(TENANT, SESSION).audio,
        sessionKeys(TENANT, SESSION).meta,
      ].sort(),
    );
    expect(new Set(keys.map((key) => hashTagOf(`${testRedis().prefix}${key}`)))).toEqual(new Set([`t:${TENANT}`]));
  });

  it('records the owned audio ids in the session audio set', async () => {
    const { redis } = testRedis();
    const { sessions } = repositories(redis);
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [] }, ['ain_1', 'audio_vg_1']);
    await sessions.append(TENANT, SESSION, { requestId: 'r2', at: T0, messages: [] }, ['ain_2']);
    expect((await redis.smembers(sessionKeys(TENANT, SESSION).audio)).sort()).toEqual(['ain_1', 'ain_2', 'audio_vg_1']);
  });

  it('sets the session TTL on every key at the first append', async () => {
    const { redis } = testRedis();
    const { sessions } = repositories(redis, limits({ ttlSeconds: 600 }));
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [userText('hi')] }, ['ain_1']);
    for (const key of Object.values(sessionKeys(TENANT, SESSION))) {
      const pttl = await redis.pttl(key);
      expect(pttl).toBeGreaterThan(595_000);
      expect(pttl).toBeLessThanOrEqual(600_000);
    }
  });

  it('refreshes the TTL of the list, the meta hash and the audio set on a later append', async () => {
    const { redis } = testRedis();
    const { sessions } = repositories(redis, limits({ ttlSeconds: 600 }));
    const keys = Object.values(sessionKeys(TENANT, SESSION));
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [userText('hi')] }, ['ain_1']);
    for (const key of keys) await redis.pexpire(key, 5_000);
    await sessions.append(TENANT, SESSION, { requestId: 'r2', at: T0 + 1, messages: [userText('again')] }, []);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(595_000);
  });
});
