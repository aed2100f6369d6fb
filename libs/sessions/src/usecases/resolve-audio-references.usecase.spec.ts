import { type ChatMessage, GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import { OTHER_TENANT, storedAudio, T0_SECONDS, TENANT } from '../__fixtures__/sessions.factory';
import { AudioStore } from '../repositories/audio.store';
import { ResolveAudioReferences } from './resolve-audio-references.usecase';

const VG_ID = 'audio_vg_0123456789abcdef01234567';
const UPSTREAM_ID = 'audio_67153952b364819093d6a4aac6e0767a';
const UPSTREAM_EXPIRES_AT = T0_SECONDS + 3600;

describe('ResolveAudioReferences (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build(nowSeconds: number, overrides: Parameters<typeof storedAudio>[0] = {}) {
    const store = new AudioStore(testRedis().redis);
    await store.put(
      TENANT,
      storedAudio({
        id: VG_ID,
        upstream_id: UPSTREAM_ID,
        upstream_expires_at: UPSTREAM_EXPIRES_AT,
        transcript: 'It was the best of times.',
        ...overrides,
      }),
      600,
    );
    return { store, resolve: new ResolveAudioReferences(store, () => nowSeconds * 1000 + 999) };
  }

  const history = (assistant: ChatMessage): ChatMessage[] => [
    { role: 'user', content: 'Tell me' },
    assistant,
    { role: 'user', content: 'Go on' },
  ];

  it('forwards the provider audio id while it is valid, keeping the other fields', async () => {
    const { resolve } = await build(T0_SECONDS);
    const resolved = await resolve.execute(
      TENANT,
      history({ role: 'assistant', audio: { id: VG_ID }, name: 'concierge' }),
    );
    expect(resolved).toEqual(history({ role: 'assistant', audio: { id: UPSTREAM_ID }, name: 'concierge' }));
  });

  it('still forwards the provider id 121 s before it expires, and the transcript from 120 s before', async () => {
    const valid = await (
      await build(UPSTREAM_EXPIRES_AT - 121)
    ).resolve.execute(TENANT, [{ role: 'assistant', audio: { id: VG_ID } }]);
    expect(valid).toEqual([{ role: 'assistant', audio: { id: UPSTREAM_ID } }]);

    const margin = new ResolveAudioReferences(
      new AudioStore(testRedis().redis),
      () => (UPSTREAM_EXPIRES_AT - 120) * 1000,
    );
    await expect(margin.execute(TENANT, [{ role: 'assistant', audio: { id: VG_ID } }])).resolves.toEqual([
      { role: 'assistant', content: 'It was the best of times.' },
    ]);
  });

  it('sends the transcript as content once the provider id has expired', async () => {
    const { resolve } = await build(UPSTREAM_EXPIRES_AT + 10);
    await expect(resolve.execute(TENANT, history({ role: 'assistant', audio: { id: VG_ID } }))).resolves.toEqual(
      history({ role: 'assistant', content: 'It was the best of times.' }),
    );
  });

  it('keeps the text content the client sent rather than the transcript', async () => {
    const { resolve } = await build(UPSTREAM_EXPIRES_AT + 10);
    await expect(
      resolve.execute(TENANT, [{ role: 'assistant', content: 'Client text', audio: { id: VG_ID } }]),
    ).resolves.toEqual([{ role: 'assistant', content: 'Client text' }]);
  });

  it('sends the transcript when no provider id was recorded', async () => {
    const { resolve } = await build(T0_SECONDS, { upstream_id: null, upstream_expires_at: null });
    await expect(resolve.execute(TENANT, [{ role: 'assistant', audio: { id: VG_ID } }])).resolves.toEqual([
      { role: 'assistant', content: 'It was the best of times.' },
    ]);
  });

  it('rejects an unknown Voxgate id with a 400 naming the message', async () => {
    const { resolve } = await build(T0_SECONDS);
    const unknown = 'audio_vg_000000000000000000000000';
    const error = await resolve
      .execute(TENANT, history({ role: 'assistant', audio: { id: unknown } }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'messages[1].audio.id' });
    expect((error as GatewayError).message).toContain(unknown);
  });

  it('uses the given parameter prefix in the error', async () => {
    const { resolve } = await build(T0_SECONDS);
    await expect(
      resolve.execute(TENANT, [{ role: 'assistant', audio: { id: 'audio_vg_gone' } }], 'history'),
    ).rejects.toMatchObject({ status: 400, param: 'history[0].audio.id' });
  });

  it("rejects another tenant's Voxgate id as unknown", async () => {
    const { resolve } = await build(T0_SECONDS);
    await expect(resolve.execute(OTHER_TENANT, [{ role: 'assistant', audio: { id: VG_ID } }])).rejects.toMatchObject({
      status: 400,
      param: 'messages[0].audio.id',
    });
  });

  it('passes provider audio ids and every other message through untouched, without reading the store', async () => {
    const store = new AudioStore(testRedis().redis);
    const get = jest.spyOn(store, 'get');
    const messages: ChatMessage[] = [
      { role: 'system', content: 'audio_vg_not_an_audio_field' },
      { role: 'assistant', audio: { id: UPSTREAM_ID } },
      { role: 'assistant', content: 'plain' },
      { role: 'user', content: 'hi' },
    ];
    const resolved = await new ResolveAudioReferences(store, () => T0_SECONDS * 1000).execute(TENANT, messages);
    expect(resolved).toEqual(messages);
    resolved.forEach((message, index) => expect(message).toBe(messages[index]));
    expect(get).not.toHaveBeenCalled();
  });
});
