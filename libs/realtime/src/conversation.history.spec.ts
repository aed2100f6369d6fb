import { Conversation, EARLIER_VOICE_MESSAGE, type ItemAudio, wavBytes } from './conversation';
import type { ConversationItemObject } from './server-events';

const SECOND = 24_000;
const audioOf = (seconds: number): ItemAudio => ({ samples: new Int16Array(seconds * SECOND), sampleRate: SECOND });
const userAudio = (id: string, transcript?: string): ConversationItemObject => ({
  id,
  object: 'realtime.item',
  type: 'message',
  status: 'completed',
  role: 'user',
  content: [{ type: 'input_audio', transcript: transcript ?? null }],
});
const answer = (id: string, text: string): ConversationItemObject => ({
  id,
  object: 'realtime.item',
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_audio', transcript: text }],
});

function audioParts(messages: ReturnType<Conversation['toMessages']>): number {
  return messages.flatMap((message) =>
    message.role === 'user' && Array.isArray(message.content)
      ? message.content.filter((part) => part.type === 'input_audio')
      : [],
  ).length;
}

describe('Conversation history bound (audio budget)', () => {
  it('sends the newest user turns as audio within the budget and older ones as transcript or placeholder', () => {
    const conversation = new Conversation();
    conversation.insert(userAudio('u1', 'first thing I said'), new Map([[0, audioOf(60)]]));
    conversation.insert(answer('a1', 'one'));
    conversation.insert(userAudio('u2'), new Map([[0, audioOf(60)]]));
    conversation.insert(answer('a2', 'two'));
    conversation.insert(userAudio('u3'), new Map([[0, audioOf(60)]]));
    conversation.insert(answer('a3', 'three'));
    conversation.insert(userAudio('u4'), new Map([[0, audioOf(60)]]));

    const budget = 2 * wavBytes(audioOf(60));
    const messages = conversation.toMessages('Be brief.', budget);
    expect(audioParts(messages)).toBe(2);
    const users = messages.filter((message) => message.role === 'user');
    expect(users[0]?.content).toEqual([{ type: 'text', text: 'first thing I said' }]);
    expect(users[1]?.content).toEqual([{ type: 'text', text: EARLIER_VOICE_MESSAGE }]);
    expect((users[2]?.content as Array<{ type: string }>)[0]?.type).toBe('input_audio');
    expect((users[3]?.content as Array<{ type: string }>)[0]?.type).toBe('input_audio');
    const size = JSON.stringify(messages).length;
    expect(size).toBeLessThan(budget * 1.4);

    // Unbounded (the default), every turn goes as audio.
    expect(audioParts(conversation.toMessages('Be brief.'))).toBe(4);
  });

  it('always sends the newest user audio, even over the budget', () => {
    const conversation = new Conversation();
    conversation.insert(userAudio('u1'), new Map([[0, audioOf(10)]]));
    conversation.insert(userAudio('u2'), new Map([[0, audioOf(10)]]));
    const messages = conversation.toMessages('', 1000);
    expect(audioParts(messages)).toBe(1);
    expect((messages.at(-1)?.content as Array<{ type: string }>)[0]?.type).toBe('input_audio');
  });
});

describe('Conversation storage bookkeeping', () => {
  it('lists the items not yet stored, with their audio in full, until they are marked stored', () => {
    const conversation = new Conversation();
    conversation.restore(userAudio('old'), new Map([[0, audioOf(1)]]));
    conversation.insert(userAudio('u1'), new Map([[0, audioOf(1)]]));
    conversation.insert(answer('a1', 'hi'));
    const first = conversation.unstored();
    expect(first.ids).toEqual(['u1', 'a1']);
    expect(first.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(audioParts(first.messages)).toBe(1);
    conversation.markStored(first.ids);
    expect(conversation.unstored().ids).toEqual([]);
    // A restored item is part of the history sent to the model.
    expect(audioParts(conversation.toMessages(''))).toBe(2);
  });
});
