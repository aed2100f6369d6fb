import { useTestRedis } from '@voxgate/testing';
import { SESSION, TENANT } from '../__fixtures__/sessions.factory';
import { AudioStore } from './audio.store';
import { InputTranscriptStore } from './input-transcript.store';
import { SessionRepository } from './session.repository';

describe('InputTranscriptStore (real Redis)', () => {
  const testRedis = useTestRedis();
  const samples = Int16Array.from([1, 2, 3, 4]);

  it('keeps transcripts by audio content under the session tag, expiring with the input audio', async () => {
    const { redis } = testRedis();
    const store = new InputTranscriptStore(redis, 600);
    const key = InputTranscriptStore.audioKey(samples, 24_000);
    await store.put(TENANT, SESSION, key, 'hello there');
    await expect(store.get(TENANT, SESSION, [key, 'unknown'])).resolves.toEqual(['hello there', null]);
    await expect(store.get(TENANT, SESSION, [])).resolves.toEqual([]);
    const redisKey = InputTranscriptStore.key(TENANT, SESSION);
    expect(redisKey).toBe(`session:{t:${TENANT}}:${SESSION}:transcripts`);
    expect(await redis.ttl(redisKey)).toBeGreaterThan(590);
    // The same samples at another rate are another clip; other samples another key.
    expect(InputTranscriptStore.audioKey(samples, 16_000)).not.toBe(key);
    expect(InputTranscriptStore.audioKey(Int16Array.from([1, 2, 3, 5]), 24_000)).not.toBe(key);
  });

  it('is deleted with its session', async () => {
    const { redis } = testRedis();
    const sessions = new SessionRepository(redis, { ttlSeconds: 3600, maxTurns: 10, maxBytes: 1_000_000 });
    const audio = new AudioStore(redis);
    await sessions.append(TENANT, SESSION, { requestId: 'req_1', idempotencyKey: null, at: 1, messages: [] }, []);
    await new InputTranscriptStore(redis, 600).put(TENANT, SESSION, 'k', 'hi');
    await sessions.delete(TENANT, SESSION, (id) => audio.key(TENANT, id));
    expect(await redis.exists(InputTranscriptStore.key(TENANT, SESSION))).toBe(0);
  });

  it('stores nothing when input audio is not kept (inputAudioTtlSeconds 0)', async () => {
    const { redis } = testRedis();
    await new InputTranscriptStore(redis, 0).put(TENANT, SESSION, 'k', 'hi');
    expect(await redis.exists(InputTranscriptStore.key(TENANT, SESSION))).toBe(0);
  });
});
