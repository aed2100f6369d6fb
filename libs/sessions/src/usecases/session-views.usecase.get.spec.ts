import { GatewayError } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import {
  assistantAudioMessage,
  OTHER_TENANT,
  PCM16_BASE64,
  repositories,
  SESSION,
  sessionKeys,
  T0,
  T0_SECONDS,
  TENANT,
  userAudio,
} from '../__fixtures__/sessions.factory';
import type { InputAudioRef } from '../session.types';
import { AppendSessionTurn } from './append-session-turn.usecase';
import { GetSession } from './session-views.usecase';
import { StoreAssistantAudio } from './store-assistant-audio.usecase';

const VG_ID = 'audio_vg_0123456789abcdef01234567';
const ANSWER_DATA = Buffer.from('assistant pcm').toString('base64');

describe('GetSession (real Redis)', () => {
  const testRedis = useTestRedis();

  async function build() {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    await new StoreAssistantAudio(audio, () => T0).execute(TENANT, {
      id: VG_ID,
      expiresAt: T0_SECONDS + 86_400,
      upstreamId: 'audio_upstream',
      upstreamExpiresAt: T0_SECONDS + 3600,
      transcript: 'Booked.',
      format: 'wav',
      data: ANSWER_DATA,
    });
    await new AppendSessionTurn(sessions, audio, 3600, () => T0 + 1500).execute({
      tenantId: TENANT,
      sessionId: SESSION,
      requestId: 'req_1',
      clientMessages: [userAudio()],
      generated: [assistantAudioMessage(VG_ID, 'Booked.')],
      assistantAudioIds: [VG_ID],
    });
    return { redis, sessions, audio, get: new GetSession(sessions, audio, 3600) };
  }

  it('returns the stored history with audio as references by default', async () => {
    const { get } = await build();
    const view = await get.execute(TENANT, SESSION, false);
    expect(view).toEqual({
      object: 'session',
      id: SESSION,
      created_at: T0_SECONDS + 1,
      updated_at: T0_SECONDS + 1,
      expires_at: expect.any(Number), // exact value: see 'reports expires_at as when the session really expires'
      turns: [
        {
          seq: 1,
          created_at: T0_SECONDS + 1,
          request_id: 'req_1',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'input_audio_ref', ref: expect.stringMatching(/^ain_/), format: 'pcm16', duration_ms: null },
              ],
            },
            assistantAudioMessage(VG_ID, 'Booked.'),
          ],
        },
      ],
    });
    expect(JSON.stringify(view)).not.toContain(PCM16_BASE64.slice(0, 40));
    expect(JSON.stringify(view)).not.toContain(ANSWER_DATA);
  });

  it('adds the audio data of input and assistant audio with includeAudio', async () => {
    const { get } = await build();
    const view = await get.execute(TENANT, SESSION, true);
    const [user, assistant] = view.turns[0]!.messages;
    expect(user?.content).toEqual([
      {
        type: 'input_audio_ref',
        ref: expect.stringMatching(/^ain_/),
        format: 'pcm16',
        duration_ms: null,
        data: PCM16_BASE64,
      },
    ]);
    expect(assistant).toEqual({
      ...assistantAudioMessage(VG_ID, 'Booked.'),
      audio: { id: VG_ID, data: ANSWER_DATA, format: 'wav' },
    });
  });

  it('gives null data for audio that has expired', async () => {
    const { redis, audio, get } = await build();
    const before = await get.execute(TENANT, SESSION, false);
    const ref = (before.turns[0]!.messages[0]!.content as InputAudioRef[])[0]!.ref;
    await redis.del(audio.key(TENANT, ref), audio.key(TENANT, VG_ID));
    const view = await get.execute(TENANT, SESSION, true);
    const [user, assistant] = view.turns[0]!.messages;
    expect((user?.content as Record<string, unknown>[])[0]).toMatchObject({ ref, data: null });
    expect(assistant?.audio).toEqual({ id: VG_ID, data: null, format: null });
  });

  it('reports expires_at as when the session really expires: reading it refreshed the TTL', async () => {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    const tenMinutesAgo = Date.now() - 600_000;
    await new AppendSessionTurn(sessions, audio, 3600, () => tenMinutesAgo).execute({
      tenantId: TENANT,
      sessionId: 'idle',
      requestId: 'req_1',
      clientMessages: [{ role: 'user', content: 'hi' }],
      generated: [],
      assistantAudioIds: [],
    });
    const view = await new GetSession(sessions, audio, 3600).execute(TENANT, 'idle', false);
    const realExpiry = (Date.now() + (await redis.pttl(sessionKeys(TENANT, 'idle').turns))) / 1000;
    expect(view.updated_at).toBe(Math.floor(tenMinutesAgo / 1000));
    expect(Math.abs(view.expires_at - realExpiry)).toBeLessThanOrEqual(2);
  });

  it('is a 404 for an unknown session and for the same id under another tenant', async () => {
    const { get } = await build();
    const unknown = await get.execute(TENANT, 'nope', false).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(GatewayError);
    expect(unknown).toMatchObject({ status: 404, code: 'session_not_found', type: 'invalid_request_error' });
    await expect(get.execute(OTHER_TENANT, SESSION, true)).rejects.toMatchObject({ status: 404 });
  });
});
