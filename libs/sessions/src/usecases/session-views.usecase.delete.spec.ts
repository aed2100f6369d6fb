import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import {
  assistantAudioMessage,
  OTHER_TENANT,
  repositories,
  SESSION,
  T0,
  T0_SECONDS,
  TENANT,
  userAudio,
} from '../__fixtures__/sessions.factory';
import { AppendSessionTurn } from './append-session-turn.usecase';
import { DeleteSession, GetSession } from './session-views.usecase';
import { StoreAssistantAudio } from './store-assistant-audio.usecase';

describe('DeleteSession (real Redis)', () => {
  const testRedis = useTestRedis();

  /** Two audio turns (input audio and assistant audio each) for `tenantId`. */
  async function seed(tenantId: string) {
    const { sessions, audio } = repositories(testRedis().redis);
    const append = new AppendSessionTurn(sessions, audio, 3600, () => T0);
    const storeAudio = new StoreAssistantAudio(audio, () => T0);
    for (const n of [1, 2]) {
      const id = `audio_vg_${tenantId}_${n}`;
      await storeAudio.execute(tenantId, {
        id,
        expiresAt: T0_SECONDS + 86_400,
        upstreamId: `audio_up_${n}`,
        upstreamExpiresAt: T0_SECONDS + 3600,
        transcript: `answer ${n}`,
        format: 'pcm16',
        data: Buffer.from(`answer ${n}`).toString('base64'),
      });
      await append.execute({
        tenantId,
        sessionId: SESSION,
        requestId: `req_${n}`,
        clientMessages: [userAudio()],
        generated: [assistantAudioMessage(id, `answer ${n}`)],
        assistantAudioIds: [id],
      });
    }
    return {
      remove: new DeleteSession(sessions, audio),
      get: new GetSession(sessions, audio, 3600),
    };
  }

  it('erases the history and every audio object of the session, leaving no keys behind', async () => {
    const { remove, get } = await seed(TENANT);
    expect((await testRedis().keys()).filter((key) => key.startsWith('audio:'))).toHaveLength(4);

    await expect(remove.execute(TENANT, SESSION)).resolves.toEqual({
      object: 'session.deleted',
      id: SESSION,
      deleted: true,
    });
    await expect(testRedis().keys()).resolves.toEqual([]);
    await expect(get.execute(TENANT, SESSION, false)).rejects.toMatchObject({ status: 404 });
  });

  it("leaves another tenant's session with the same id and its audio alone", async () => {
    const { remove } = await seed(TENANT);
    const before = await testRedis().keys();
    const { get } = await seed(OTHER_TENANT);
    const other = (await testRedis().keys()).filter((key) => !before.includes(key));

    await remove.execute(TENANT, SESSION);
    await expect(testRedis().keys()).resolves.toEqual(other);
    expect(other.every((key) => key.includes(`{t:${OTHER_TENANT}}`))).toBe(true);
    const view = await get.execute(OTHER_TENANT, SESSION, true);
    expect(view.turns.map((turn) => turn.seq)).toEqual([1, 2]);
  });

  it('is a 404 for a session that does not exist, or was already deleted', async () => {
    const { remove } = await seed(TENANT);
    const missing = await remove.execute(TENANT, 'nope').catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(GatewayError);
    expect(missing).toMatchObject({ status: 404, code: 'session_not_found' });
    await remove.execute(TENANT, SESSION);
    await expect(remove.execute(TENANT, SESSION)).rejects.toMatchObject({ status: 404 });
    await expect(remove.execute(OTHER_TENANT, SESSION)).rejects.toMatchObject({ status: 404 });
  });
});
