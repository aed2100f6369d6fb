import { useTestRedis } from '@voxgate/testing';
import { OTHER_TENANT, PCM16_BASE64, storedAudio, TENANT } from '../__fixtures__/sessions.factory';
import { AudioStore } from './audio.store';

describe('AudioStore (real Redis)', () => {
  const testRedis = useTestRedis();

  it('keys audio as audio:{t:<tenant>}:<id>', () => {
    expect(new AudioStore(testRedis().redis).key('ten_a', 'audio_vg_1')).toBe('audio:{t:ten_a}:audio_vg_1');
  });

  it('returns the metadata without the data unless asked', async () => {
    const store = new AudioStore(testRedis().redis);
    const audio = storedAudio();
    await store.put(TENANT, audio, 600);
    await expect(store.get(TENANT, audio.id)).resolves.toEqual({ ...audio, data: '' });
    await expect(store.get(TENANT, audio.id, true)).resolves.toEqual(audio);
  });

  it('does not even read the data field when it is not asked for', async () => {
    const { redis } = testRedis();
    const store = new AudioStore(redis);
    await store.put(TENANT, storedAudio(), 600);
    const hmget = jest.spyOn(redis, 'hmget');
    await store.get(TENANT, storedAudio().id);
    expect(hmget.mock.calls[0]?.slice(1)).not.toContain('data');
  });

  it('round-trips nulls: input audio has no transcript and no upstream id', async () => {
    const store = new AudioStore(testRedis().redis);
    const input = storedAudio({
      id: 'ain_1',
      kind: 'input',
      transcript: null,
      upstream_id: null,
      upstream_expires_at: null,
    });
    await store.put(TENANT, input, 600);
    await expect(store.get(TENANT, 'ain_1', true)).resolves.toEqual(input);
  });

  it('expires the audio after its TTL', async () => {
    const { redis } = testRedis();
    const store = new AudioStore(redis);
    await store.put(TENANT, storedAudio({ id: 'audio_vg_ttl' }), 120);
    const pttl = await redis.pttl(store.key(TENANT, 'audio_vg_ttl'));
    expect(pttl).toBeGreaterThan(115_000);
    expect(pttl).toBeLessThanOrEqual(120_000);

    await store.put(TENANT, storedAudio({ id: 'audio_vg_short' }), 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(store.get(TENANT, 'audio_vg_short', true)).resolves.toBeNull();
  });

  it('returns null for unknown ids and for the same id under another tenant', async () => {
    const store = new AudioStore(testRedis().redis);
    await store.put(TENANT, storedAudio({ id: 'audio_vg_mine', data: PCM16_BASE64 }), 600);
    await expect(store.get(TENANT, 'audio_vg_unknown')).resolves.toBeNull();
    await expect(store.get(OTHER_TENANT, 'audio_vg_mine', true)).resolves.toBeNull();
  });
});
