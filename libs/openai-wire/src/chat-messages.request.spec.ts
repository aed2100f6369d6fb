import type { ChatCompletionMessage, ParsedChatCompletionMessage } from 'openai/resources/chat/completions/completions';
import { textRequest } from './__fixtures__/chat-requests.factory';
import { ChatCompletionRequestSchema } from './chat-completions.request';

/** An audio answer as `client.chat.completions.create(...)` returns it (a Voxgate or OpenAI response). */
const createdAnswer: ChatCompletionMessage = {
  role: 'assistant',
  content: null,
  refusal: null,
  annotations: [],
  audio: { id: 'audio_vg_0123', data: 'UklGRiQAAABXQVZF', expires_at: 1_900_000_000, transcript: 'Hello there.' },
};

/** The same answer as `client.chat.completions.stream(...).finalChatCompletion()` assembles it. */
const streamedAnswer: ParsedChatCompletionMessage<null> = {
  role: 'assistant',
  content: null,
  refusal: null,
  parsed: null,
  audio: { id: 'audio_vg_0123', data: 'AAABAAIA', transcript: 'Hello there.', expires_at: 1_900_000_000 },
};

/** A history turn: the user's question, the answer pushed back, the next question. */
function withHistory(answer: unknown) {
  return ChatCompletionRequestSchema.safeParse(
    textRequest({
      messages: [
        { role: 'user', content: 'Hi' },
        answer as ChatCompletionMessage,
        { role: 'user', content: 'And then?' },
      ],
    }),
  );
}

/** The message as it goes on (JSON drops the keys the schema set to undefined). */
function forwarded(answer: unknown): unknown {
  const result = withHistory(answer);
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return JSON.parse(JSON.stringify(result.data.messages[1]));
}

describe('AssistantMessageSchema: an answer pushed back as history', () => {
  it('accepts a created audio answer and forwards only the audio reference { id }', () => {
    expect(forwarded(createdAnswer)).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_vg_0123' },
    });
  });

  it('accepts what finalChatCompletion() assembles (parsed: null, audio with transcript) the same way', () => {
    expect(forwarded(streamedAnswer)).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_vg_0123' },
    });
  });

  it('accepts helper-parsed tool calls, dropping parsed_arguments', () => {
    const answer: ParsedChatCompletionMessage<null> = {
      role: 'assistant',
      content: null,
      refusal: null,
      parsed: null,
      function_call: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}', parsed_arguments: { city: 'Paris' } },
        },
      ],
    };
    expect(forwarded(answer)).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      function_call: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ],
    });
  });

  it('accepts audio: null and a bare reference, as before', () => {
    expect(forwarded({ role: 'assistant', content: 'Hi', audio: null })).toEqual({
      role: 'assistant',
      content: 'Hi',
      audio: null,
    });
    expect(forwarded({ role: 'assistant', audio: { id: 'audio_abc123' } })).toEqual({
      role: 'assistant',
      audio: { id: 'audio_abc123' },
    });
  });

  it.each([
    ['an unknown key in audio', { ...createdAnswer, audio: { id: 'audio_1', format: 'wav' } }, ['audio']],
    ['audio without its id', { role: 'assistant', audio: { data: 'AAAA', transcript: 'Hi' } }, ['audio', 'id']],
    [
      'a response field of the wrong type',
      { ...createdAnswer, audio: { id: 'audio_1', expires_at: 'soon' } },
      ['audio', 'expires_at'],
    ],
    ['an unknown key on the message', { ...streamedAnswer, logprobs: null }, []],
    [
      'an unknown key in a tool call',
      {
        role: 'assistant',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}', x: 1 } }],
      },
      ['tool_calls', 0, 'function'],
    ],
  ])('still refuses %s', (_name, answer, path) => {
    const result = withHistory(answer);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['messages', 1, ...path]);
  });
});
