import type OpenAI from 'openai';
import { SPEECH_TRANSCRIPT } from '@voxgate/testing';
import { useRelayEnv } from './support/e2e-env';
import { ALIAS } from './support/relay-config';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Sent = { messages: Record<string, unknown>[] };

const audioRequest = {
  model: ALIAS,
  modalities: ['text', 'audio'] as ('text' | 'audio')[],
  audio: { voice: 'alloy' as const, format: 'wav' as const },
};

/** The provider's own audio reference, and nothing else, as OpenAI's request schema allows. */
const upstreamAudioReference = { id: expect.stringMatching(/^audio_(?!vg_)/) as unknown };

/**
 * The SDKs' multi-turn pattern: push the returned assistant message back as history, unchanged
 * (`messages.push(completion.choices[0].message)`). The upstream validates every request against the spec
 * with undeclared keys refused (`useRelayEnv` checks it after each test), so it must see `audio: { id }` only.
 */
describe('POST /v1/chat/completions, an answer pushed back as history', () => {
  const env = useRelayEnv();

  it('accepts a created audio answer as history and forwards only its audio id', async () => {
    const { client, upstream } = env();
    const messages: Message[] = [{ role: 'user', content: 'Hello' }];
    const first = await client.chat.completions.create({ ...audioRequest, messages });
    const answer = first.choices[0]!.message;
    expect(Object.keys(answer.audio!).sort()).toEqual(['data', 'expires_at', 'id', 'transcript']);

    messages.push(answer, { role: 'user', content: 'Why?' });
    const second = await client.chat.completions.create({ ...audioRequest, messages });
    expect(second.choices[0]!.message.audio?.transcript).toBe(SPEECH_TRANSCRIPT);
    expect((upstream.lastRequest().body as Sent).messages[1]).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: upstreamAudioReference,
    });
  });

  it('accepts the message finalChatCompletion() assembled from a stream, and streams the next turn', async () => {
    const { client, upstream } = env();
    const messages: Message[] = [{ role: 'user', content: 'Hello' }];
    const streamed = await client.chat.completions
      .stream({ ...audioRequest, audio: { voice: 'alloy', format: 'mp3' }, messages })
      .finalChatCompletion();
    const answer = streamed.choices[0]!.message;
    expect(answer).toMatchObject({ parsed: null, audio: { transcript: SPEECH_TRANSCRIPT } });

    messages.push(answer, { role: 'user', content: 'Why?' });
    const next = await client.chat.completions
      .stream({ ...audioRequest, audio: { voice: 'alloy', format: 'mp3' }, messages })
      .finalChatCompletion();
    expect(next.choices[0]!.finish_reason).toBe('stop');
    expect((upstream.lastRequest().body as Sent).messages[1]).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: upstreamAudioReference,
    });
  });

  it('forwards an answer the client got from OpenAI directly with only its audio id', async () => {
    const { client, upstream } = env();
    const fromOpenAI: OpenAI.Chat.Completions.ChatCompletionMessage = {
      role: 'assistant',
      content: null,
      refusal: null,
      annotations: [],
      audio: { id: 'audio_67153952b364819093d6a4aac6e0767a', data: 'UklGRiQA', expires_at: 1, transcript: 'Hi' },
    };
    await client.chat.completions.create({
      ...audioRequest,
      messages: [{ role: 'user', content: 'Hello' }, fromOpenAI, { role: 'user', content: 'Why?' }],
    });
    expect((upstream.lastRequest().body as Sent).messages[1]).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_67153952b364819093d6a4aac6e0767a' },
    });
  });

  it('stores a pushed-back answer in a session as its audio id, which later turns resolve', async () => {
    const { client, gateway, key, upstream } = env();
    const session = { headers: { 'x-session-id': 'history-pushed-back' } };
    const first = await client.chat.completions.create({
      ...audioRequest,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const answer = first.choices[0]!.message;
    await client.chat.completions.create(
      { ...audioRequest, messages: [{ role: 'user', content: 'Hello' }, answer, { role: 'user', content: 'Why?' }] },
      session,
    );

    const read = await fetch(`${gateway.url}/v1/sessions/history-pushed-back`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const stored = ((await read.json()) as { turns: { messages: Record<string, unknown>[] }[] }).turns[0]!.messages[1];
    expect(stored).toEqual({ role: 'assistant', content: null, refusal: null, audio: { id: answer.audio!.id } });

    await client.chat.completions.create({ ...audioRequest, messages: [{ role: 'user', content: 'And?' }] }, session);
    const sent = (upstream.lastRequest().body as Sent).messages;
    expect(sent.map((message) => message['role'])).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(sent[1]).toEqual({ role: 'assistant', content: null, refusal: null, audio: upstreamAudioReference });
  });

  it('still refuses a key the SDK never returns', async () => {
    const { client } = env();
    const error = await client.chat.completions
      .create({
        ...audioRequest,
        messages: [
          { role: 'assistant', audio: { id: 'audio_abc', format: 'wav' } } as unknown as Message,
          { role: 'user', content: 'x' },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: expect.stringMatching(/^messages\[0\]\.audio/) as unknown });
  });
});
