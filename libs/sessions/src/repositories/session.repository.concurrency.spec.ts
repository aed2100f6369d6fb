import { useTestRedis } from '@voxgate/testing';
import type { Redis } from 'ioredis';
import { limits, SESSION, sessionKeys, T0, TENANT, userText } from '../__fixtures__/sessions.factory';
import { SessionRepository } from './session.repository';

describe('SessionRepository: concurrent appends across replicas (real Redis)', () => {
  const testRedis = useTestRedis();
  const extra: Redis[] = [];

  afterEach(() => {
    for (const connection of extra.splice(0)) connection.disconnect();
  });

  /** Three repositories on three connections sharing one key prefix: three gateway replicas. */
  function replicas(maxTurns = 200): SessionRepository[] {
    const { redis } = testRedis();
    const others = [redis.duplicate(), redis.duplicate()];
    extra.push(...others);
    return [redis, ...others].map((connection) => new SessionRepository(connection, limits({ maxTurns })));
  }

  it('gives 50 concurrent appends over 3 connections the sequence numbers 1..50, each exactly once', async () => {
    const repositories = replicas();
    const seqs = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        repositories[index % 3]!.append(
          TENANT,
          SESSION,
          { requestId: `req_${index}`, at: T0 + index, messages: [userText(`message ${index}`)] },
          [`ain_${index}`],
        ),
      ),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));

    const { turns } = await repositories[0]!.read(TENANT, SESSION);
    expect(turns).toHaveLength(50);
    // The list is in sequence order, and each turn carries the seq its own append returned.
    expect(turns.map((turn) => turn.seq)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    const seqOfRequest = new Map(turns.map((turn) => [turn.request_id, turn.seq]));
    seqs.forEach((seq, index) => expect(seqOfRequest.get(`req_${index}`)).toBe(seq));
    expect(new Set(turns.map((turn) => turn.request_id)).size).toBe(50);
    expect(await testRedis().redis.scard(sessionKeys(TENANT, SESSION).audio)).toBe(50);
  });

  it('keeps the byte count exact and the newest turns when concurrent appends race the maxTurns cap', async () => {
    const repositories = replicas(10);
    const { redis } = testRedis();
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        repositories[index % 3]!.append(
          TENANT,
          SESSION,
          { requestId: `req_${index}`, at: T0, messages: [userText('x'.repeat(index))] },
          [],
        ),
      ),
    );
    const entries = await redis.lrange(sessionKeys(TENANT, SESSION).turns, 0, -1);
    expect(entries.map((entry) => (JSON.parse(entry) as { seq: number }).seq)).toEqual(
      Array.from({ length: 10 }, (_, index) => 31 + index),
    );
    const bytes = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry), 0);
    expect(await redis.hget(sessionKeys(TENANT, SESSION).meta, 'bytes')).toBe(String(bytes));
  });
});
