import { useTestRedis } from '@voxgate/testing';
import { PCM16_BASE64, T0, T0_SECONDS, TENANT } from '../__fixtures__/sessions.factory';
import { AudioStore } from '../repositories/audio.store';
import { type AssistantAudioInput, StoreAssistantAudio } from './store-assistant-audio.usecase';

describe('StoreAssistantAudio (real Redis)', () => {
  const testRedis = useTestRedis();

  const input = (overrides: Partial<AssistantAudioInput> = {}): AssistantAudioInput => ({
    id: 'audio_vg_0123456789abcdef01234567',
    expiresAt: T0_SECONDS + 86_400,
    upstreamId: 'audio_67153952b364819093d6a4aac6e0767a',
    upstreamExpiresAt: T0_SECONDS + 3600,
    transcript: 'Hello there.',
    format: 'wav',
    data: PCM16_BASE64,
    ...overrides,
  });

  function build() {
    const { redis } = testRedis();
    const store = new AudioStore(redis);
    return { redis, store, storeAudio: new StoreAssistantAudio(store, () => T0) };
  }

  it('stores the mapping, transcript and data under the Voxgate id', async () => {
    const { store, storeAudio } = build();
    await storeAudio.execute(TENANT, input());
    await expect(store.get(TENANT, input().id, true)).resolves.toEqual({
      id: input().id,
      kind: 'assistant',
      format: 'wav',
      data: PCM16_BASE64,
      transcript: 'Hello there.',
      upstream_id: 'audio_67153952b364819093d6a4aac6e0767a',
      upstream_expires_at: T0_SECONDS + 3600,
      expires_at: T0_SECONDS + 86_400,
    });
  });

  it('expires the stored audio when the client was told it expires', async () => {
    const { redis, store, storeAudio } = build();
    await storeAudio.execute(TENANT, input({ expiresAt: T0_SECONDS + 7200 }));
    const pttl = await redis.pttl(store.key(TENANT, input().id));
    expect(pttl).toBeGreaterThan(7_195_000);
    expect(pttl).toBeLessThanOrEqual(7_200_000);
  });

  it('stores no data when there is none (answers outside a session)', async () => {
    const { redis, store, storeAudio } = build();
    await storeAudio.execute(TENANT, input({ data: null }));
    await expect(store.get(TENANT, input().id, true)).resolves.toMatchObject({
      data: '',
      transcript: 'Hello there.',
    });
    expect(await redis.hget(store.key(TENANT, input().id), 'data')).toBe('');
  });

  it('still stores an expiry already in the past, for at least a second', async () => {
    const { redis, store, storeAudio } = build();
    await storeAudio.execute(TENANT, input({ expiresAt: T0_SECONDS - 60 }));
    const pttl = await redis.pttl(store.key(TENANT, input().id));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(1_000);
  });
});
