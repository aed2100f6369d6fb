import { useTestRedis } from '@voxgate/testing';
import {
  OTHER_TENANT,
  repositories,
  SESSION,
  storedAudio,
  T0,
  TENANT,
  userText,
} from '../__fixtures__/sessions.factory';

describe('SessionRepository.delete (real Redis)', () => {
  const testRedis = useTestRedis();

  it('removes the session keys and every audio object the session owns, and returns true', async () => {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    for (const id of ['ain_1', 'audio_vg_1', 'ain_2']) await audio.put(TENANT, storedAudio({ id }), 600);
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [userText('a')] }, [
      'ain_1',
      'audio_vg_1',
    ]);
    await sessions.append(TENANT, SESSION, { requestId: 'r2', at: T0, messages: [userText('b')] }, ['ain_2']);

    await expect(sessions.delete(TENANT, SESSION, (id) => audio.key(TENANT, id))).resolves.toBe(true);
    await expect(testRedis().keys()).resolves.toEqual([]);
  });

  it('leaves audio the session does not own, and the same session id of another tenant', async () => {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    await audio.put(TENANT, storedAudio({ id: 'audio_vg_unowned' }), 600);
    await audio.put(OTHER_TENANT, storedAudio({ id: 'ain_b' }), 600);
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [userText('a')] }, []);
    await sessions.append(OTHER_TENANT, SESSION, { requestId: 'r1', at: T0, messages: [userText('b')] }, ['ain_b']);

    await expect(sessions.delete(TENANT, SESSION, (id) => audio.key(TENANT, id))).resolves.toBe(true);
    await expect(sessions.read(TENANT, SESSION)).resolves.toMatchObject({ turns: [], createdAt: null });
    await expect(audio.get(TENANT, 'audio_vg_unowned')).resolves.not.toBeNull();
    await expect(audio.get(OTHER_TENANT, 'ain_b')).resolves.not.toBeNull();
    const other = await sessions.read(OTHER_TENANT, SESSION);
    expect(other.turns.map((turn) => turn.messages)).toEqual([[userText('b')]]);
  });

  it('returns false for a session that does not exist, and deletes nothing', async () => {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    await audio.put(TENANT, storedAudio({ id: 'audio_vg_1' }), 600);
    await expect(sessions.delete(TENANT, 'missing', (id) => audio.key(TENANT, id))).resolves.toBe(false);
    await expect(testRedis().keys()).resolves.toEqual([`audio:{t:${TENANT}}:audio_vg_1`]);
  });

  it('starts a new session at seq 1 after a delete', async () => {
    const { sessions, audio } = repositories(testRedis().redis);
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [] }, []);
    await sessions.delete(TENANT, SESSION, (id) => audio.key(TENANT, id));
    await expect(sessions.append(TENANT, SESSION, { requestId: 'r2', at: T0, messages: [] }, [])).resolves.toBe(1);
  });
});
