import type { ChatMessage } from '@voxgate/openai-wire';
import { useTestRedis } from '@voxgate/testing';
import {
  assistantAudioMessage,
  PCM16_BASE64,
  repositories,
  SESSION,
  T0,
  T0_SECONDS,
  TENANT,
  userAudio,
} from '../__fixtures__/sessions.factory';
import type { InputAudioRef, StoredMessage } from '../session.types';
import { AppendSessionTurn } from './append-session-turn.usecase';
import { EXPIRED_VOICE_MESSAGE, LoadSessionHistory } from './load-session-history.usecase';
import { ResolveAudioReferences } from './resolve-audio-references.usecase';
import { StoreAssistantAudio } from './store-assistant-audio.usecase';

const VG_ID = 'audio_vg_0123456789abcdef01234567';
const UPSTREAM_ID = 'audio_67153952b364819093d6a4aac6e0767a';
const TRANSCRIPT = 'Your table is booked for eight.';

describe('LoadSessionHistory (real Redis)', () => {
  const testRedis = useTestRedis();

  /** A session with one audio turn: user audio (and text) in, an assistant audio answer out. */
  async function build(options: { nowSeconds?: number; inputAudioTtlSeconds?: number } = {}) {
    const { redis } = testRedis();
    const { sessions, audio } = repositories(redis);
    const append = new AppendSessionTurn(sessions, audio, options.inputAudioTtlSeconds ?? 3600, () => T0);
    await new StoreAssistantAudio(audio, () => T0).execute(TENANT, {
      id: VG_ID,
      expiresAt: T0_SECONDS + 86_400,
      upstreamId: UPSTREAM_ID,
      upstreamExpiresAt: T0_SECONDS + 3600,
      transcript: TRANSCRIPT,
      format: 'pcm16',
      data: null,
    });
    await append.execute({
      tenantId: TENANT,
      sessionId: SESSION,
      requestId: 'req_1',
      clientMessages: [{ role: 'system', content: 'Concierge.' }, userAudio(PCM16_BASE64, 'Listen:')],
      generated: [assistantAudioMessage(VG_ID, TRANSCRIPT)],
      assistantAudioIds: [VG_ID],
    });
    const resolve = new ResolveAudioReferences(audio, () => (options.nowSeconds ?? T0_SECONDS) * 1000);
    return { redis, sessions, audio, append, load: new LoadSessionHistory(sessions, audio, resolve) };
  }

  async function inputRef(sessions: ReturnType<typeof repositories>['sessions']): Promise<string> {
    const { turns } = await sessions.read(TENANT, SESSION);
    const content = turns[0]?.messages[0]?.content as [unknown, InputAudioRef];
    return content[1].ref;
  }

  it('renders the full turn with the input audio and the provider audio id while both are available', async () => {
    const { load } = await build();
    const [turn] = await load.execute(TENANT, SESSION);
    expect(turn?.seq).toBe(1);
    expect(turn?.full).toEqual<ChatMessage[]>([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Listen:' },
          { type: 'input_audio', input_audio: { data: PCM16_BASE64, format: 'pcm16' } },
        ],
      },
      { role: 'assistant', content: null, refusal: null, audio: { id: UPSTREAM_ID } },
    ]);
  });

  it('renders the compact turn with a placeholder for input audio and the transcript for assistant audio', async () => {
    const { load } = await build();
    const [turn] = await load.execute(TENANT, SESSION);
    expect(turn?.compact).toEqual<ChatMessage[]>([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Listen:' },
          { type: 'text', text: EXPIRED_VOICE_MESSAGE },
        ],
      },
      { role: 'assistant', content: TRANSCRIPT, refusal: null },
    ]);
  });

  it('replaces input audio that has expired from the store by the placeholder text', async () => {
    const { redis, sessions, audio, load } = await build();
    await redis.del(audio.key(TENANT, await inputRef(sessions)));
    const [turn] = await load.execute(TENANT, SESSION);
    expect(turn?.full[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Listen:' },
        { type: 'text', text: EXPIRED_VOICE_MESSAGE },
      ],
    });
  });

  it('renders the placeholder when the session never stored input audio (inputAudioTtlSeconds 0)', async () => {
    const { load } = await build({ inputAudioTtlSeconds: 0 });
    const [turn] = await load.execute(TENANT, SESSION);
    expect(turn?.full[0]).toEqual(turn?.compact[0]);
    expect(JSON.stringify(turn)).not.toContain(PCM16_BASE64.slice(0, 40));
  });

  it('sends the transcript instead of the provider id once that has expired', async () => {
    const { load } = await build({ nowSeconds: T0_SECONDS + 7200 });
    const [turn] = await load.execute(TENANT, SESSION);
    expect(turn?.full[1]).toEqual({ role: 'assistant', content: TRANSCRIPT, refusal: null });
  });

  it('falls back to the stored transcript when the assistant audio itself is no longer stored', async () => {
    // The session outlives its audio: sessions.ttlSeconds is refreshed on use, audioTtlSeconds is not.
    const { redis, audio, load } = await build();
    await redis.del(audio.key(TENANT, VG_ID));
    const [turn] = await load.execute(TENANT, SESSION);
    expect(turn?.full[1]).toEqual({ role: 'assistant', content: TRANSCRIPT, refusal: null });
  });

  it('never sends the internal transcript field upstream', async () => {
    const { load } = await build();
    const [turn] = await load.execute(TENANT, SESSION);
    for (const message of [...(turn?.full ?? []), ...(turn?.compact ?? [])])
      expect(message).not.toHaveProperty('transcript');
  });

  it('returns every turn oldest first, tool calls and results unchanged in both renderings', async () => {
    const { append, load } = await build();
    const toolTurn: StoredMessage[] = [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'book', arguments: '{"seats":2}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
      { role: 'assistant', content: 'Done.' },
    ];
    await append.execute({
      tenantId: TENANT,
      sessionId: SESSION,
      requestId: 'req_2',
      clientMessages: [{ role: 'user', content: 'Two seats' }],
      generated: toolTurn,
      assistantAudioIds: [],
    });
    const turns = await load.execute(TENANT, SESSION);
    expect(turns.map((turn) => turn.seq)).toEqual([1, 2]);
    const expected = [{ role: 'user', content: 'Two seats' }, ...toolTurn];
    expect(turns[1]?.full).toEqual(expected);
    expect(turns[1]?.compact).toEqual(expected);
  });

  it('returns no turns for a session that does not exist', async () => {
    const { load } = await build();
    await expect(load.execute(TENANT, 'unknown')).resolves.toEqual([]);
  });
});
