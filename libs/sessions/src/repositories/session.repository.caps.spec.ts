import { useTestRedis } from '@voxgate/testing';
import {
  assistantText,
  limits,
  repositories,
  SESSION,
  sessionKeys,
  T0,
  TENANT,
  userText,
} from '../__fixtures__/sessions.factory';
import type { SessionLimits, StoredMessage } from '../session.types';

describe('SessionRepository: maxTurns and maxBytes (real Redis)', () => {
  const testRedis = useTestRedis();

  async function appendAll(sessionLimits: SessionLimits, messages: StoredMessage[][]) {
    const { redis } = testRedis();
    const { sessions } = repositories(redis, sessionLimits);
    for (const [index, turn] of messages.entries())
      await sessions.append(TENANT, SESSION, { requestId: `req_${index + 1}`, at: T0, messages: turn }, []);
    const entries = await redis.lrange(sessionKeys(TENANT, SESSION).turns, 0, -1);
    const meta = await redis.hgetall(sessionKeys(TENANT, SESSION).meta);
    return { sessions, entries, meta };
  }

  /** The stored size of a turn, as the script counts it (bytes of its JSON with seq). */
  const entryBytes = (seq: number, requestId: string, messages: StoredMessage[]) =>
    Buffer.byteLength(JSON.stringify({ seq, at: T0, request_id: requestId, messages }));

  it('drops the oldest whole turns beyond maxTurns', async () => {
    const turns = [1, 2, 3, 4, 5].map((n) => [userText(`q${n}`), assistantText(`a${n}`)]);
    const { sessions } = await appendAll(limits({ maxTurns: 3 }), turns);
    const { turns: kept } = await sessions.read(TENANT, SESSION);
    expect(kept.map((turn) => turn.seq)).toEqual([3, 4, 5]);
    expect(kept.map((turn) => turn.messages)).toEqual(turns.slice(2));
  });

  it('keeps numbering after trimming: seq is never reused', async () => {
    const { sessions, meta } = await appendAll(limits({ maxTurns: 1 }), [[userText('a')], [userText('b')]]);
    expect(meta.seq).toBe('2');
    await expect(sessions.append(TENANT, SESSION, { requestId: 'r', at: T0, messages: [] }, [])).resolves.toBe(3);
  });

  it('drops the oldest whole turns until the history fits maxBytes, counting bytes, not characters', async () => {
    // Multi-byte text: "é" is 2 bytes, "🎙" is 4; a character count would under-count every turn.
    const turn = (n: number) => [userText(`é🎙 question ${n}`), assistantText(`réponse ${n}`)];
    const sizes = [1, 2, 3, 4].map((n) => entryBytes(n, `req_${n}`, turn(n)));
    // Room for the last two turns and not one byte more.
    const maxBytes = sizes[2]! + sizes[3]!;
    const { sessions, entries, meta } = await appendAll(limits({ maxBytes }), [1, 2, 3, 4].map(turn));
    const { turns: kept } = await sessions.read(TENANT, SESSION);
    expect(kept.map((stored) => stored.seq)).toEqual([3, 4]);
    expect(kept.map((stored) => stored.messages)).toEqual([turn(3), turn(4)]);
    expect(meta.bytes).toBe(String(maxBytes));
    expect(entries.reduce((sum, entry) => sum + Buffer.byteLength(entry), 0)).toBe(maxBytes);
  });

  it('drops one more turn when the history is one byte over maxBytes', async () => {
    const turn = (n: number) => [userText(`question ${n}`)];
    const sizes = [1, 2, 3].map((n) => entryBytes(n, `req_${n}`, turn(n)));
    const { sessions } = await appendAll(limits({ maxBytes: sizes[1]! + sizes[2]! - 1 }), [1, 2, 3].map(turn));
    const { turns: kept } = await sessions.read(TENANT, SESSION);
    expect(kept.map((stored) => stored.seq)).toEqual([3]);
  });

  it('keeps the newest turn alone even when it is larger than maxBytes', async () => {
    const { sessions, meta } = await appendAll(limits({ maxBytes: 10 }), [
      [userText('first')],
      [userText('a turn far larger than ten bytes')],
    ]);
    const { turns: kept } = await sessions.read(TENANT, SESSION);
    expect(kept.map((stored) => stored.seq)).toEqual([2]);
    expect(Number(meta.bytes)).toBe(entryBytes(2, 'req_2', [userText('a turn far larger than ten bytes')]));
  });
});
