import { useTestRedis } from '@voxgate/testing';
import {
  assistantAudioMessage,
  assistantText,
  limits,
  repositories,
  SESSION,
  T0,
  TENANT,
  userText,
} from '../__fixtures__/sessions.factory';

describe('SessionRepository.recordHeardAnswer: a truncated answer read back as what was heard (real Redis)', () => {
  const testRedis = useTestRedis();
  const heardKey = `session:{t:${TENANT}}:${SESSION}:heard`;

  it("replaces that turn's last assistant message by the heard text, without its audio; other turns unchanged", async () => {
    const { redis } = testRedis();
    const { sessions } = repositories(redis);
    const spoken = assistantAudioMessage('aud_1', 'Hello there, my friend, how are you today?');
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [userText('hi'), spoken] }, []);
    await sessions.append(
      TENANT,
      SESSION,
      { requestId: 'r2', at: T0 + 1, messages: [userText('and?'), assistantText('Fine.')] },
      [],
    );

    await sessions.recordHeardAnswer(TENANT, SESSION, 'r1', 'Hello there,');
    const { turns } = await sessions.read(TENANT, SESSION);
    expect(turns[0]!.messages).toEqual([
      userText('hi'),
      { role: 'assistant', content: 'Hello there,', refusal: null, transcript: 'Hello there,' },
    ]);
    expect(turns[1]!.messages).toEqual([userText('and?'), assistantText('Fine.')]);

    // A later truncation of the same turn replaces the text.
    await sessions.recordHeardAnswer(TENANT, SESSION, 'r1', 'Hello');
    expect((await sessions.read(TENANT, SESSION)).turns[0]!.messages[1]).toMatchObject({ content: 'Hello' });
  });

  it('lives as long as the session: TTL refreshed on read, deleted with it', async () => {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis, limits({ ttlSeconds: 900 }));
    await sessions.append(TENANT, SESSION, { requestId: 'r1', at: T0, messages: [assistantText('Long answer')] }, []);
    await sessions.recordHeardAnswer(TENANT, SESSION, 'r1', 'Long');
    expect(await redis.pttl(heardKey)).toBeGreaterThan(895_000);
    await redis.pexpire(heardKey, 2_000);
    await sessions.read(TENANT, SESSION);
    expect(await redis.pttl(heardKey)).toBeGreaterThan(895_000);

    expect(await sessions.delete(TENANT, SESSION, (id) => audio.key(TENANT, id))).toBe(true);
    expect(await redis.exists(heardKey)).toBe(0);
  });
});
