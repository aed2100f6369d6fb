import type { ChunkDelta } from '@voxgate/openai-wire';
import { type AssembledMessage, MessageAssembler } from './message-assembler';

function assemble(deltas: ChunkDelta[], keepAudio = false): MessageAssembler {
  const assembler = new MessageAssembler(keepAudio);
  for (const delta of deltas) assembler.add(delta);
  return assembler;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('MessageAssembler', () => {
  it('is an empty assistant message before any delta', () => {
    expect(assemble([]).message()).toEqual<AssembledMessage>({ role: 'assistant', content: null, refusal: null });
  });

  it('concatenates content fragments, ignoring role-only and null-content deltas', () => {
    const message = assemble([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: null },
      { content: 'lo' },
      {},
    ]).message();
    expect(message).toEqual({ role: 'assistant', content: 'Hello', refusal: null });
  });

  it('without keepText holds no text, but keeps the audio id, transcript and tool calls', () => {
    const assembler = new MessageAssembler(false, false);
    for (const delta of [
      { content: 'Hel' },
      { content: 'lo' },
      { refusal: 'no' },
      { audio: { id: 'audio_1', transcript: 'Hi' } },
      { tool_calls: [{ index: 0, id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } }] },
    ])
      assembler.add(delta);
    expect(assembler.message()).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_1' },
      transcript: 'Hi',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
  });

  it('concatenates refusal fragments', () => {
    expect(assemble([{ refusal: "I can't " }, { refusal: 'help.' }]).message().refusal).toBe("I can't help.");
  });

  it('concatenates transcript fragments beside the audio id', () => {
    const message = assemble([
      { audio: { id: 'audio_1', transcript: 'Hi' } },
      { audio: { transcript: ' there' } },
      { audio: { id: 'audio_1', data: base64('pcm') } },
      { audio: { expires_at: 1729447778 } },
    ]).message();
    expect(message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      audio: { id: 'audio_1' },
      transcript: 'Hi there',
    });
  });

  it('gives an audio answer without transcript an empty transcript, and a text answer no audio keys', () => {
    expect(assemble([{ audio: { id: 'audio_1', data: base64('pcm') } }]).message()).toMatchObject({
      audio: { id: 'audio_1' },
      transcript: '',
    });
    const text = assemble([{ content: 'Hi' }]).message();
    expect(text).not.toHaveProperty('audio');
    expect(text).not.toHaveProperty('transcript');
  });

  it('keeps the concatenated audio bytes only when asked', () => {
    const deltas: ChunkDelta[] = [
      { audio: { id: 'audio_1', data: base64('first-') } },
      { audio: { transcript: 'x' } },
      { audio: { data: base64('second') } },
    ];
    expect(assemble(deltas, true).audio().toString()).toBe('first-second');
    expect(assemble(deltas, false).audio()).toEqual(Buffer.alloc(0));
  });

  it('merges tool calls by index: id from the first fragment, name and arguments concatenated', () => {
    const message = assemble([
      {
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
          { index: 1, id: 'call_b', type: 'function', function: { name: 'get_', arguments: '{"tz":' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 1, function: { name: 'time', arguments: '"UTC"}' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
    ]).message();
    expect(message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } },
    ]);
  });

  it('orders tool calls by index, whatever order they first arrive in', () => {
    const message = assemble([
      { tool_calls: [{ index: 2, id: 'call_c', function: { name: 'c', arguments: '{}' } }] },
      { tool_calls: [{ index: 0, id: 'call_a', function: { name: 'a', arguments: '{}' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', function: { name: 'b', arguments: '{}' } }] },
    ]).message();
    expect(message.tool_calls?.map((call) => call.id)).toEqual(['call_a', 'call_b', 'call_c']);
  });

  it('merges a legacy function_call', () => {
    const message = assemble([
      { function_call: { name: 'lookup', arguments: '' } },
      { function_call: { arguments: '{"q":' } },
      { function_call: { arguments: '1}' } },
    ]).message();
    expect(message.function_call).toEqual({ name: 'lookup', arguments: '{"q":1}' });
    expect(message).not.toHaveProperty('tool_calls');
  });
});
