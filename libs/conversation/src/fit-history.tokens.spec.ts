import type { ChatMessage } from '@voxgate/openai-wire';
import { wavFromPcm16 } from '@voxgate/testing';
import { tokensOf } from './fit-history';

/** `seconds` of pcm16 (24 kHz mono 16-bit), base64. */
const pcm16 = (seconds: number) => Buffer.alloc(Math.round(seconds * 48_000)).toString('base64');

describe('tokensOf', () => {
  it('is 0 for no messages', () => {
    expect(tokensOf([])).toBe(0);
  });

  it('counts 4 per message plus a token per 4 characters of text, rounded up', () => {
    expect(tokensOf([{ role: 'user', content: 'abcdefgh' }])).toBe(4 + 2);
    expect(tokensOf([{ role: 'user', content: 'abcdefghi' }])).toBe(4 + 3);
    expect(
      tokensOf([
        { role: 'system', content: '' },
        { role: 'assistant', content: null },
      ]),
    ).toBe(8);
  });

  it('counts text and refusal parts', () => {
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'abcd' },
          { type: 'text', text: 'abcde' },
        ],
      },
      { role: 'assistant', content: [{ type: 'refusal', refusal: 'no'.repeat(6) }] },
    ];
    expect(tokensOf(messages)).toBe(4 + 1 + 2 + 4 + 3);
  });

  it('counts input audio at 10 tokens a second: pcm16 by size', () => {
    const message = (seconds: number): ChatMessage => ({
      role: 'user',
      content: [{ type: 'input_audio', input_audio: { data: pcm16(seconds), format: 'pcm16' } }],
    });
    expect(tokensOf([message(1)])).toBe(4 + 10);
    expect(tokensOf([message(2.5)])).toBe(4 + 25);
  });

  it('counts WAV audio by the byte rate in its header', () => {
    // 2 s at 16 kHz mono (32,000 bytes a second); read at 24 kHz it would be 1.33 s.
    const wav = wavFromPcm16(Buffer.alloc(64_000), 16_000).toString('base64');
    const message: ChatMessage = {
      role: 'user',
      content: [{ type: 'input_audio', input_audio: { data: wav, format: 'wav' } }],
    };
    expect(tokensOf([message])).toBe(4 + 20);
  });

  it('counts the JSON of assistant tool calls', () => {
    const toolCalls = [
      { id: 'call_1', type: 'function' as const, function: { name: 'book', arguments: '{"seats":2}' } },
    ];
    const expected = 4 + Math.ceil(JSON.stringify(toolCalls).length / 4);
    expect(tokensOf([{ role: 'assistant', content: null, tool_calls: toolCalls }])).toBe(expected);
  });
});
