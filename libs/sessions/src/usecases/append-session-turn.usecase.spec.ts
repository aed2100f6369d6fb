import type { ChatMessage } from '@voxgate/openai-wire';
import { scanKeys, useTestRedis } from '@voxgate/testing';
import {
  assistantAudioMessage,
  PCM16_BASE64,
  repositories,
  SESSION,
  sessionKeys,
  T0,
  T0_SECONDS,
  TENANT,
  userAudio,
  userText,
} from '../__fixtures__/sessions.factory';
import type { InputAudioRef, StoredMessage } from '../session.types';
import { AppendSessionTurn, type AppendTurnCommand } from './append-session-turn.usecase';

describe('AppendSessionTurn (real Redis)', () => {
  const testRedis = useTestRedis();

  function build(inputAudioTtlSeconds = 3600) {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    const append = new AppendSessionTurn(sessions, audio, inputAudioTtlSeconds, () => T0);
    return { redis, sessions, audio, append };
  }

  const command = (overrides: Partial<AppendTurnCommand> = {}): AppendTurnCommand => ({
    tenantId: TENANT,
    sessionId: SESSION,
    requestId: 'req_1',
    clientMessages: [],
    generated: [],
    assistantAudioIds: [],
    ...overrides,
  });

  async function storedMessages(sessions: ReturnType<typeof build>['sessions']): Promise<StoredMessage[]> {
    const { turns } = await sessions.read(TENANT, SESSION);
    expect(turns).toHaveLength(1);
    return turns[0]!.messages;
  }

  it('stores a retried turn once and leaves none of its input audio behind', async () => {
    const { redis, sessions, append } = build();
    const retry = command({ idempotencyKey: 'idem:turn-1', clientMessages: [userAudio()] });
    await expect(append.execute(retry)).resolves.toBe(1);
    // SCAN on every master: KEYS on a cluster client asks one node only.
    const audioKeys = async () => (await scanKeys(redis, `*audio:{t:${TENANT}}:*`)).length;
    const before = await audioKeys();
    await expect(append.execute({ ...retry, requestId: 'req_2' })).resolves.toBe(0);
    expect(await audioKeys()).toBe(before);
    expect((await storedMessages(sessions)).length).toBe(1);
  });

  it('stores the client messages without system and developer messages, then what was generated', async () => {
    const { sessions, append } = build();
    const clientMessages: ChatMessage[] = [
      { role: 'system', content: 'You are a concierge.' },
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: 'Book a table' },
    ];
    const generated: StoredMessage[] = [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'book', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' },
      { role: 'assistant', content: 'Booked.' },
    ];
    await expect(append.execute(command({ clientMessages, generated }))).resolves.toBe(1);
    expect(await storedMessages(sessions)).toEqual([userText('Book a table'), ...generated]);
    const { turns } = await sessions.read(TENANT, SESSION);
    expect(turns[0]).toMatchObject({ seq: 1, at: T0, request_id: 'req_1' });
  });

  it('returns the next sequence number on every append', async () => {
    const { append } = build();
    await append.execute(command({ clientMessages: [{ role: 'user', content: 'one' }] }));
    await expect(append.execute(command({ clientMessages: [{ role: 'user', content: 'two' }] }))).resolves.toBe(2);
  });

  it('moves input audio to the store and keeps an input_audio_ref in its place, other parts in order', async () => {
    const { redis, sessions, audio, append } = build(900);
    await append.execute(command({ clientMessages: [userAudio(PCM16_BASE64, 'listen:')] }));

    const [user] = await storedMessages(sessions);
    const content = user?.content as [{ type: 'text'; text: string }, InputAudioRef];
    expect(content).toEqual([
      { type: 'text', text: 'listen:' },
      { type: 'input_audio_ref', ref: expect.stringMatching(/^ain_[0-9a-f]{24}$/), format: 'pcm16', duration_ms: null },
    ]);
    const ref = content[1].ref;
    await expect(audio.get(TENANT, ref, true)).resolves.toEqual({
      id: ref,
      kind: 'input',
      format: 'pcm16',
      data: PCM16_BASE64,
      transcript: null,
      upstream_id: null,
      upstream_expires_at: null,
      expires_at: T0_SECONDS + 900,
    });
    const pttl = await redis.pttl(audio.key(TENANT, ref));
    expect(pttl).toBeGreaterThan(895_000);
    expect(pttl).toBeLessThanOrEqual(900_000);
    // The history itself never carries the audio bytes.
    const [entry] = await redis.lrange(sessionKeys(TENANT, SESSION).turns, 0, -1);
    expect(entry).not.toContain(PCM16_BASE64.slice(0, 40));
  });

  it('gives every input audio part its own id and records input and assistant audio as owned by the session', async () => {
    const { redis, sessions, append } = build();
    const second = Buffer.from('another clip').toString('base64');
    await append.execute(
      command({
        clientMessages: [userAudio(), userAudio(second)],
        generated: [assistantAudioMessage('audio_vg_1', 'Hi.')],
        assistantAudioIds: ['audio_vg_1'],
      }),
    );
    const messages = await storedMessages(sessions);
    const refs = messages.flatMap((message) =>
      Array.isArray(message.content) ? (message.content as InputAudioRef[]).map((part) => part.ref) : [],
    );
    expect(new Set(refs).size).toBe(2);
    expect((await redis.smembers(sessionKeys(TENANT, SESSION).audio)).sort()).toEqual([...refs, 'audio_vg_1'].sort());
  });

  it('with inputAudioTtlSeconds 0 stores no audio at all, only the reference', async () => {
    const { redis, sessions, append } = build(0);
    await append.execute(command({ clientMessages: [userAudio()] }));
    const [user] = await storedMessages(sessions);
    expect(user?.content).toEqual([
      { type: 'input_audio_ref', ref: expect.stringMatching(/^ain_/), format: 'pcm16', duration_ms: null },
    ]);
    const keys = sessionKeys(TENANT, SESSION);
    await expect(testRedis().keys()).resolves.toEqual([keys.turns, keys.audio, keys.meta].sort());
    expect((await redis.lrange(keys.turns, 0, -1)).join()).not.toContain(PCM16_BASE64.slice(0, 40));
  });

  it('stores a user message with string content and non-user messages unchanged', async () => {
    const { sessions, append } = build();
    const clientMessages: ChatMessage[] = [
      { role: 'user', content: 'plain' },
      { role: 'assistant', audio: { id: 'audio_vg_prev' } },
      { role: 'user', content: [{ type: 'text', text: 'parts only' }] },
    ];
    await append.execute(command({ clientMessages }));
    expect(await storedMessages(sessions)).toEqual(clientMessages);
  });
});
